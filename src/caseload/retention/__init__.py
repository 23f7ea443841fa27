"""Retention: who stays, who leaves and when (workforce flows, survival and leaving risk).

Frames in, frames out; nothing here opens a database session."""
