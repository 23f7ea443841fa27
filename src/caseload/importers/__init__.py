"""Loading a council's own data: each source is sniffed, parsed, validated and loaded all or
nothing."""
