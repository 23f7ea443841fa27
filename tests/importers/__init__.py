"""Import tests."""
