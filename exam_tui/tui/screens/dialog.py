"""The base of the app's dialogs: a modal screen with its ``#dialog`` box in the middle.

The styles of the dialogs (and of the start screens) are their classes' DEFAULT_CSS, not
app.tcss: Textual parses a class's DEFAULT_CSS when the class is first shown, and app.tcss on
every start (~0.15 ms a rule), so rules for screens that `exam-tui new` never opens were
parsed before its first frame.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

R = TypeVar("R")


def text_classes(scope: str, title_padding: str = "0 0 1 0") -> str:
    """The rules of the text classes the start screens and dialogs use (a title, a hint, a
    problem), for the screens of type ``scope``."""
    return f"""
    {scope} .title {{ text-style: bold; color: $accent; padding: {title_padding}; }}
    {scope} .hint {{ color: $text-muted; }}
    {scope} .problem {{ color: $error; text-style: bold; height: auto; }}
    """


class Dialog(ModalScreen[R]):
    """A modal screen whose content is one box with ``id="dialog"``, centred."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog #dialog {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $panel; padding: 0 1;
    }
    """ + text_classes("Dialog")
