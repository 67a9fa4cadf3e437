"""The pure simulation model: numpy and the standard library only (never Qt, never YAML)."""
