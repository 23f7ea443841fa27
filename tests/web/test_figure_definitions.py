"""One definition per figure: each figure found with two values on the synthetic council
now has one value on every surface (overview, Caseloads page, alerts, data quality, census)."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.auth.roles import AccountRole
from caseload.services.census import census_indicators
from caseload.services.data_quality import data_quality
from caseload.services.summary import council_summary

from .council import WebCouncil
from .people_helpers import report


def test_case_holding_fte_red_counts_and_waits_agree(shared_council: WebCouncil) -> None:
    full = report(shared_council)
    client = shared_council.client(AccountRole.LEADER)
    overview = client.get("/api/v1/overview").json()["caseloads"]
    caseloads = client.get("/api/v1/caseloads").json()
    # Case-holding FTE: the Caseloads page and the overview (DfE's figure).
    assert caseloads["summary"]["fte"] is not None
    assert round(caseloads["summary"]["fte"], 1) == overview["case_holders_fte"]
    assert caseloads["summary"]["case_holders"] == overview["case_holders"]
    # Red per team = workers with an over-cap alert in that team.
    capped = full.breaches.filter(
        pl.col("rule").is_in(["over_case_cap", "asye_over_cap", "over_points_cap"])
    )
    assert capped.height > 0
    per_team = dict(capped.group_by("team_id").agg(pl.col("worker_id").n_unique()).iter_rows())
    for row in full.teams.iter_rows(named=True):
        assert row["red"] == per_team.get(row["team_id"], 0), row["team"]
    # Days waiting: the queue and the data-quality check, child by child.
    queue = dict(full.queue.select("child_ref", "days_waiting").iter_rows())
    assert queue
    findings = data_quality(shared_council.engine).findings.filter(
        pl.col("check") == "unallocated_children"
    )
    assert dict(findings.select("reference", "days").iter_rows()) == queue


def test_summary_in_post_fte_is_the_census_figure(shared_council: WebCouncil) -> None:
    census = census_indicators(
        shared_council.engine, census_year=2026, authority_code=shared_council.code
    ).rows()[0]
    summary = council_summary(
        shared_council.engine, as_at=date(2026, 9, 30), authority_code=shared_council.code
    )
    groups = {group["group"]: group["fte"] for group in summary.in_post}
    assert groups["social_workers"] == census["inpost_fte"]
    assert groups["agency_social_workers"] == census["agency_fte"]
    assert groups["all_own_staff"] > groups["social_workers"]  # family support workers too
