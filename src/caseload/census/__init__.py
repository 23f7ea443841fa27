"""The DfE workforce census: derivation from day-to-day data, indicators, validation and the
XML return."""
