"""Runs ``caseload`` with its address space capped, then reports its peak resident memory.

Usage: ``python bounded_run.py LIMIT_MB REPORT_FILE caseload-arguments...``. The process may not
map more than LIMIT_MB (an allocation beyond it fails, as it would on a small server), and on
exit REPORT_FILE holds the exit code and peak resident set size in MB."""

from __future__ import annotations

import json
import resource
import sys


def peak_mb() -> int:
    """This process's own peak resident set size in MB.

    ``getrusage``'s ``ru_maxrss`` is not it: Linux carries the parent's high-water mark across
    ``fork``/``vfork`` and ``exec`` into the child, so a test runner that has grown to 900 MB
    would be reported as this process's peak. ``VmHWM`` belongs to the process's own memory."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # not Linux: best we have


def run(argv: list[str]) -> int:
    limit = int(argv[0]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from caseload.cli.app import main

    code = main(argv[2:])
    peak = peak_mb()
    with open(argv[1], "w", encoding="utf-8") as report:
        json.dump({"exit_code": code, "peak_mb": peak}, report)
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
