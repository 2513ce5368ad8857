"""notion."""
