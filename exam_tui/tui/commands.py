"""Every exam-screen command, declared once: its keys, footer text, help text and palette entry.

The footer (``Binding``), the help screen and the command palette are all derived from
:data:`EXAM_COMMANDS`, so they cannot drift apart.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from exam_tui import kinds
from exam_tui.values import Struct


class Command(Struct):
    """One command of the exam screen."""

    action: str
    #: Textual key names, comma-separated (the first is the main one).
    keys: str
    #: How the keys are written for people ("↑ k").
    display: str
    #: Short footer label.
    label: str
    #: One-line explanation (help screen, palette, tooltip).
    help: str
    #: Shown in the footer (the rest are in the help screen and the palette).
    footer: bool = True


EXAM_COMMANDS: tuple[Command, ...] = (
    Command(
        "help",
        "question_mark",
        "?",
        "help",
        "Every key, and the answer keys of each kind of finding",
    ),
    Command("next_item", "down,j", "↓ j", "next", "Next item", footer=False),
    Command("previous_item", "up,k", "↑ k", "prev", "Previous item", footer=False),
    Command("next_section", "right_square_bracket", "]", "section", "Next section"),
    Command(
        "previous_section",
        "left_square_bracket",
        "[",
        "prev section",
        "Previous section",
        footer=False,
    ),
    Command("side('left')", "left,h", "← h", "left", "Left side of a bilateral item", footer=False),
    Command(
        "side('right')",
        "right,l",
        "→ l",
        "right",
        "Right side of a bilateral item",
        footer=False,
    ),
    Command(
        "clear",
        "x,delete",
        "x",
        "clear",
        "Clear the value under the cursor (not tested / not asked)",
        # The footer is full at 80 columns; the item panel says "x clears" instead.
        footer=False,
    ),
    Command(
        "fill_normal",
        "N,shift+n",
        "N",
        "normal",
        "Rest of this section normal: exam sections record each item's normal value; a"
        " screening section lists what it will record and asks first; a history section is"
        " never filled",
    ),
    Command(
        "undo",
        "ctrl+z",
        "^z",
        "undo",
        "Undo the last change (an answer, a clear, a note, a whole N); again for the one before",
        footer=False,
    ),
    Command("note", "m,semicolon", "m", "note", "Add or edit a note on the current item"),
    Command(
        "next_unanswered",
        "g",
        "g",
        "next unanswered",
        "Go to the next unanswered item (shown items only)",
        footer=False,
    ),
    Command("jump", "slash", "/", "go to", "Go to an item by typing part of its label", False),
    Command(
        "amendments",
        "A,shift+a",
        "A",
        "amendments",
        "The amendment log: who changed what, from what, to what, when and why",
        footer=False,
    ),
    Command(
        "reload",
        "R,shift+r",
        "R",
        "reload",
        "After 'changed elsewhere': reload the file and re-apply this window's changes",
        footer=False,
    ),
    Command(
        "save_new",
        "W,shift+w",
        "W",
        "save as new",
        "After 'changed elsewhere' or 'deleted': save this window's record as a new file",
        footer=False,
    ),
    Command("summary", "s", "s", "summary", "The plain-text summary (copy it, or write a .txt)"),
    Command(
        "compare",
        "c",
        "c",
        "compare",
        "What changed since the patient's previous exam (the latest earlier record in the folder)",
        # The footer is full at 80 columns; the items table's title says "c compare" instead.
        footer=False,
    ),
    Command(
        "complete", "ctrl+s", "^s", "complete", "Save and mark the exam completed (asks first)"
    ),
    Command("quit", "q,ctrl+q", "q", "quit", "Quit (every answer is already saved)"),
)

#: The answer keys per kind, for the help screen.
ANSWER_HELP: tuple[tuple[str, str], ...] = tuple(kinds.HELP.items())

#: Every key that can answer some item (one binding each; the session decides what it means).
ANSWER_KEY_NAMES: tuple[str, ...] = (
    *sorted({k for kind in kinds.KINDS.values() for k in kind.keys if not k.isdigit()}),
    *"0123456789",
    "full_stop",
    "backspace",
    "enter",
)


def exam_bindings() -> list[BindingType]:
    """The exam screen's bindings: the commands above, plus one hidden binding per answer key."""
    out: list[BindingType] = [
        Binding(
            c.keys,
            c.action,
            c.label,
            show=c.footer,
            key_display=c.display,
            tooltip=c.help,
            id=c.action,
            priority=True,
        )
        for c in EXAM_COMMANDS
    ]
    for name in ANSWER_KEY_NAMES:
        key = {"full_stop": ".", "backspace": "backspace", "enter": "enter"}.get(name, name)
        out.append(Binding(name, f"answer({key!r})", "answer", show=False, priority=True))
    return out
