"""Use cases that combine storage and analysis; the only callers of storage for the web and CLI."""
