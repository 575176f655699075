"""ihltag: validate conflict-incident files and tag them against customary IHL rules."""

__version__ = "0.1.0"
