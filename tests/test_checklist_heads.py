"""Finding a checklist by id reads the head of each file. The plain ``key = "text"`` lines at
its top are read without tomllib; whatever they give must be what tomllib gives, and a head
in any other form is still read (by tomllib)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from exam_tui import checklist as cl_mod

KEYS = st.sampled_from(["id", "version", "title", "description", "x-y", "a_1"])
# Escapes (\\, \", \t, \u00e9), a tab, a control character, a bare quote and non-ASCII text:
# what the plain form must refuse or keep exactly. Mostly valid TOML, so most files parse.
TEXT = st.lists(
    st.sampled_from(
        ["a", "é", " ", "#", "=", "’", "\\\\", '\\"', "\\t", "\\u00e9", "\t", "\x01", '"']
    ),
    max_size=6,
).map("".join)

LINES = st.one_of(
    st.builds(lambda k, v: f'{k} = "{v}"', KEYS, TEXT),  # the plain form (or nearly)
    st.builds(lambda k, v: f"{k} = '{v}'", KEYS, TEXT),  # a literal string
    st.builds(lambda k, v: f'{k}="{v}"', KEYS, TEXT),  # other spacing
    st.builds(lambda k, v: f'{k} = "{v}" # note', KEYS, TEXT),  # a comment after the value
    st.builds(lambda v: f"#{v}", TEXT),  # a comment line
    st.sampled_from(["", "   ", "\t", "[table]", 'title = """\\', "continued", '"""', "n = 3"]),
    st.builds(lambda k: f"{k} = 1", KEYS),
)


@given(st.lists(LINES, max_size=8))
@example(["[table]", 'id = "a"'])  # a key of a table, not of the top
@example(['d = """', 'id = "a"', '"""'])  # a line of a multi-line string
@example(['id = "a"', "", "# c", 'version = "1"', "n = 2", 'title = "t"'])  # stops at n = 2
def test_the_plain_lines_read_as_tomllib_reads_them(lines: list[str]) -> None:
    text = "\n".join(lines)
    fast = cl_mod._leading_strings(text)
    try:
        full = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # an invalid file: loading it reports the error (with its line)
    for key, value in fast.items():
        assert full[key] == value


def _checklist_file(folder: Path, head: str) -> Path:
    path = folder / "c.toml"
    path.write_text(head + '\n[[sections]]\nid = "s"\n', encoding="utf-8")
    return path


def test_a_head_in_another_form_is_still_found(tmp_path: Path) -> None:
    # A literal string, an escape and a comment after a value: tomllib reads these.
    path = _checklist_file(tmp_path, 'id = \'mine\'\nversion = "1.0"  # first\ntitle = "A\\tB"')
    found = cl_mod.find_checklist("mine", search=[tmp_path])
    assert found == path
    (head,) = [f for f in cl_mod.checklist_files([tmp_path]) if f.path == path]
    assert (head.version, head.title) == ("1.0", "A\tB")


def test_a_head_cut_inside_a_character_is_read(tmp_path: Path) -> None:
    # The first 16 KB of the file end half-way through a two-byte character.
    head = 'id = "mine"\nversion = "2.0"\ntitle = "T"\n# x'
    filler = "é" * cl_mod.MAX_CHECKLIST_HEAD
    cut = cl_mod.MAX_CHECKLIST_HEAD - len(head.encode())
    assert cut % 2 == 1  # the limit falls inside an "é"
    path = _checklist_file(tmp_path, head + filler)
    assert cl_mod.find_checklist("mine", search=[tmp_path]) == path
