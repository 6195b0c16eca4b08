"""Processing provider `anttmap`: import, validate, stats, export."""
