"""A readable diff of two Japanese texts, by character.

Japanese has no spaces between words and the descriptions are long single
paragraphs, so a line or word diff would flag the whole text; difflib's
:class:`~difflib.SequenceMatcher` on characters finds the edited stretches.
Each is shown as ``[-deleted-]{+inserted+}`` (the wdiff convention) with a
little unchanged context either side; longer unchanged runs are elided
with ``…``.
"""

from __future__ import annotations

from difflib import SequenceMatcher

CONTEXT = 12  # unchanged characters kept on each side of an edit
LONGEST = 120  # a deleted or inserted run longer than this is shortened, its length said


def char_diff(old: str, new: str, context: int = CONTEXT) -> str:
    """``old`` → ``new`` as one line of context and marked edits (empty if equal)."""
    if old == new:
        return ""
    out: list[str] = []
    ops = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for i, (tag, a0, a1, b0, b1) in enumerate(ops):
        if tag == "equal":
            same = old[a0:a1]
            head = "" if i == 0 else same[:context]
            tail = "" if i == len(ops) - 1 else same[-context:]
            out.append(same if len(head) + len(tail) + 1 >= len(same) else f"{head}…{tail}")
            continue
        if a1 > a0:
            out.append(f"[-{_shorten(old[a0:a1])}-]")
        if b1 > b0:
            out.append(f"{{+{_shorten(new[b0:b1])}+}}")
    return "".join(out).replace("\n", "⏎")


def _shorten(run: str) -> str:
    if len(run) <= LONGEST:
        return run
    return f"{run[:LONGEST // 2]}…（{len(run)}字）…{run[-LONGEST // 4:]}"


def similarity(old: str, new: str) -> float:
    """How alike two texts are (0–1), to pair a rewritten KPI with the one it replaced."""
    return SequenceMatcher(None, old, new, autojunk=False).ratio()
