"""The live flags panel: urgency in words and a symbol as well as colour; the pattern count."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text

from exam_tui.rules import Evaluation
from exam_tui.tui.widgets.text_panel import TextPanel

#: Urgency is never shown by colour alone: a symbol and a word come first.
URGENCY_LABELS = {
    "emergency": "!! EMERGENCY",
    "urgent": "! URGENT",
    "soon": "! SOON",
    "routine": "· ROUTINE",
}


def urgency_label(urgency: str) -> str:
    return URGENCY_LABELS.get(urgency, urgency.upper())


class FlagsPanel(TextPanel):
    """Flags raised so far, most urgent first, with the screening warnings and the pattern.
    The panel keeps its size (the room below the section list); a long list scrolls in it."""

    DEFAULT_CSS = """
    FlagsPanel > .flags--emergency { color: $error; text-style: bold; }
    FlagsPanel > .flags--urgent { color: $warning; text-style: bold; }
    FlagsPanel > .flags--soon { color: $warning; }
    FlagsPanel > .flags--routine { color: $text-accent; }
    FlagsPanel > .flags--warning { color: $warning; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "flags--emergency",
        "flags--urgent",
        "flags--soon",
        "flags--routine",
        "flags--warning",
    }

    def show(
        self,
        ev: Evaluation,
        *,
        reasons: bool = False,
        advice: bool = False,
        pending: str | None = None,
    ) -> None:
        """Draw the evaluation; with ``reasons`` (room permitting) the findings behind each flag,
        with ``advice`` (a large screen) each flag's advice too. ``pending`` says what is not
        known yet (the previous exam still being looked for): it replaces the no-flags
        sentence, which would be a promise the panel cannot yet keep."""
        text = Text()
        for flag in ev.flags:
            style = self.get_component_rich_style(f"flags--{flag.urgency}", partial=True)
            if text:
                text.append("\n")
            text.append(urgency_label(flag.urgency), style=style)
            text.append(f" {flag.title}")
            if flag.actions:
                text.append(f"\n  {' + '.join(flag.actions)}", style="dim")
            if advice and flag.advice:
                text.append(f"\n  {flag.advice}")
            if reasons:
                for reason in flag.reasons:
                    text.append(f"\n  · {reason}", style="italic")
        warn = self.get_component_rich_style("flags--warning", partial=True)
        if pending:
            text.append(f"\n{pending}" if text else pending, style=warn)
        elif not ev.flags and ev.no_flags:
            text.append(ev.no_flags, style="dim")
        for w in ev.warnings:
            # The full list of unscreened items is in the summary; here only how many.
            head = w.message.split(":")[0].rstrip(".")
            text.append(f"\n? {head} ({len(w.items)})", style=warn)
        if ev.pattern is not None:
            p = ev.pattern
            text.append(f"\nPattern: {p.reading}", style="bold")
            text.append(f" ({p.counts_text()})")
        self.set_text(text)  # most answers change no flag: then nothing is redrawn
