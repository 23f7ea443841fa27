"""The database: tables, one reader per table into frames, writes and migrations."""
