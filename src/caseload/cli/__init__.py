"""The ``caseload`` command-line tool."""
