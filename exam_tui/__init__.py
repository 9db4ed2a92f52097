"""exam-tui: a keyboard-first terminal app for a structured posterior thigh pain exam."""

__version__ = "0.1.0"
