"""Writing a plan: natural keys (team key, post reference, staff number, child reference) are
resolved to ids as the rows they point to are written, parents before children. Runs on the
caller's connection and transaction."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection

from caseload.importers.plan import LoadPlan, TablePlan
from caseload.storage import import_writes as store


def _team_ids(connection: Connection, authority: int) -> pl.DataFrame:
    return store.teams_frame(connection, authority).select(
        pl.col("id").alias("team_id"),
        pl.col("name")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.to_lowercase()
        .alias("team_key"),
    )


def _resolve(frame: pl.DataFrame, ids: pl.DataFrame, key: str, id_column: str) -> pl.DataFrame:
    """Swap the natural key column ``key`` for ``id_column`` (null stays null)."""
    if key not in frame.columns:
        return frame
    return frame.join(ids, on=key, how="left").drop(key)


def write_teams(connection: Connection, authority: int, plan: TablePlan) -> None:
    """Inserts: team_key, name, kind, parent_key and maybe external_id. Updates: id, the final
    parent_key and maybe external_id."""
    inserts = plan.inserts
    external = (
        pl.col("external_id")
        if "external_id" in inserts.columns
        else pl.lit(None, dtype=pl.Utf8).alias("external_id")
    )
    store.insert_frame(
        connection,
        "team",
        inserts.select("name", "kind", external, pl.lit(authority).alias("authority_id")),
    )
    ids = _team_ids(connection, authority)
    parents = ids.rename({"team_id": "parent_id", "team_key": "parent_key"})
    new_links = (
        inserts.filter(pl.col("parent_key").is_not_null())
        .join(ids, on="team_key")
        .select(pl.col("team_id").alias("id"), "parent_key")
    )
    links = pl.concat([plan.updates.select("id", "parent_key"), new_links])
    store.update_frame(connection, "team", _resolve(links, parents, "parent_key", "parent_id"))
    if "external_id" in plan.updates.columns:
        store.update_frame(connection, "team", plan.updates.select("id", "external_id"))


def write_posts(connection: Connection, authority: int, plan: TablePlan) -> None:
    teams = _team_ids(connection, authority)
    inserts = _resolve(plan.inserts, teams, "team_key", "team_id").with_columns(
        pl.lit(authority).alias("authority_id")
    )
    store.insert_frame(connection, "post", inserts)
    store.update_frame(connection, "post", _resolve(plan.updates, teams, "team_key", "team_id"))


def write_workers(connection: Connection, authority: int, plan: TablePlan) -> None:
    store.insert_frame(
        connection, "worker", plan.inserts.with_columns(pl.lit(authority).alias("authority_id"))
    )
    store.update_frame(connection, "worker", plan.updates)


def _worker_ids(connection: Connection, authority: int) -> pl.DataFrame:
    return store.workers_frame(connection, authority).select(
        pl.col("id").alias("worker_id"), "staff_number"
    )


def write_spells(connection: Connection, authority: int, plan: TablePlan) -> None:
    teams = _team_ids(connection, authority)
    posts = store.posts_frame(connection, authority).select(
        pl.col("id").alias("post_id"), pl.col("reference").alias("post")
    )
    workers = _worker_ids(connection, authority)

    def resolve(frame: pl.DataFrame) -> pl.DataFrame:
        frame = _resolve(frame, teams, "team_key", "team_id")
        frame = _resolve(frame, posts, "post", "post_id")
        return _resolve(frame, workers, "staff_number", "worker_id")

    # Ends and changes first, so that new spells never meet the spells they replace.
    store.update_frame(connection, "employment_spell", resolve(plan.updates))
    inserts = resolve(plan.inserts).with_columns(pl.lit(authority).alias("authority_id"))
    store.insert_frame(connection, "employment_spell", inserts)


def write_absences(connection: Connection, authority: int, plan: TablePlan) -> None:
    workers = _worker_ids(connection, authority)
    store.update_frame(connection, "absence", plan.updates)
    inserts = _resolve(plan.inserts, workers, "staff_number", "worker_id").with_columns(
        pl.lit(authority).alias("authority_id")
    )
    store.insert_frame(connection, "absence", inserts)


def write_hr(connection: Connection, authority: int, plan: LoadPlan) -> None:
    write_teams(connection, authority, plan.tables["team"])
    write_posts(connection, authority, plan.tables["post"])
    write_workers(connection, authority, plan.tables["worker"])
    write_spells(connection, authority, plan.tables["employment_spell"])
