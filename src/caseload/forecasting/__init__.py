"""Workforce planning: demand to posts, the supply of staff month by month, costs and scenarios.

Frames and plain objects in, frames out; nothing here opens a database session."""
