"""PhoenixFlight: a desktop visual simulator of Dynamic Membership Architecture."""

__version__ = "0.1.0"
