"""Runs ``caseload`` with its address space capped, then reports its peak resident memory.

Usage: ``python bounded_run.py LIMIT_MB REPORT_FILE caseload-arguments...``. The process may not
map more than LIMIT_MB (an allocation beyond it fails, as it would on a small server), and on
exit REPORT_FILE holds the exit code and peak resident set size in MB."""

from __future__ import annotations

import json
import resource
import sys


def run(argv: list[str]) -> int:
    limit = int(argv[0]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from caseload.cli.app import main

    code = main(argv[2:])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KB on Linux
    with open(argv[1], "w", encoding="utf-8") as report:
        json.dump({"exit_code": code, "peak_mb": peak}, report)
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
