"""Record text made safe for a terminal: no control characters, escape sequences or bidi overrides.

A record is a file anyone with access to the folder can edit. A patient id, examiner, note or
file name holding an ANSI/OSC escape would recolour the terminal, set its title or (on some
terminals) answer back; a right-to-left override reorders what the clinician reads. Every
record-derived string goes through :func:`clean` before it reaches a terminal, in the CLI and
in the app.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Zero-width characters that are harmless and appear in real text (soft hyphen, ZWSP, ZWNJ,
#: ZWJ: emoji sequences and Persian/Indic spelling need the joiners).
_KEEP_FORMAT = frozenset("\u00ad\u200b\u200c\u200d")
REPLACEMENT = "\ufffd"


def _bad(ch: str) -> bool:
    cat = unicodedata.category(ch)
    # Cc: C0 controls (ESC, BEL...), DEL and the C1 controls (U+0080-U+009F, CSI included).
    # Cf: format characters, among them the bidi embeddings, overrides and isolates.
    # Cs/Cn: lone surrogates and unassigned code points: nothing a reader could check.
    return cat in ("Cc", "Cs", "Cn") or (cat == "Cf" and ch not in _KEEP_FORMAT)


def clean(text: object) -> str:
    """``text`` on one line: line breaks and tabs become spaces, every other control, escape,
    C1, bidi-override or unassigned character becomes U+FFFD, visibly.

    An escape sequence cannot survive: its ESC (or C1 CSI/OSC) introducer is replaced, and what
    follows is plain printable text.
    """
    s = str(text)
    if s.isprintable():  # the common case, ~50x faster than the loop below
        return s
    out = []
    for ch in s:
        cat = unicodedata.category(ch)
        if ch in "\t\r\n\v\f" or cat in ("Zl", "Zp"):
            out.append(" ")
        elif _bad(ch):
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)


def clean_lines(text: str) -> str:
    """Multi-line text (a summary, a list of flags) with each line cleaned; line ends kept."""
    return "".join(
        clean(part) if part not in ("\n", "\r\n", "\r") else "\n"
        for part in re.split(r"(\r\n|\r|\n)", text)
    )


@functools.cache
def _json_unsafe() -> re.Pattern[str]:
    # compiled when first used: only JSON output needs it (~0.6 ms of every start otherwise)
    return re.compile(
        "[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]"
    )


def json_safe(dumped: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with C1 controls and bidi controls
    written as ``\\uXXXX`` escapes: still the same JSON value, but inert on a terminal. (json
    already escapes the C0 controls, ESC included.) They can only occur inside strings."""
    return _json_unsafe().sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


__all__ = ["REPLACEMENT", "clean", "clean_lines", "json_safe"]
