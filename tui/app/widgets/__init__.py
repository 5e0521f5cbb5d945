"""The reader's widgets, one job each."""
