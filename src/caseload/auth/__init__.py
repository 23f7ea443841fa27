"""Accounts, roles and permissions, passwords, tokens and the audit chain: the pure parts of
security. Storage of accounts, sessions and audit events lives in ``storage``; the use cases that
combine them live in ``services``."""
