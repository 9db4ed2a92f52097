"""exam-tui: a keyboard-first terminal app for structured clinical exams from checklist files."""

__version__ = "0.1.0"
