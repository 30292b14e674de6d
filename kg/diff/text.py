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
    ops = _opcodes(old, new)
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


def _opcodes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes, with the common head and tail set aside first.

    Matching is quadratic in the worst case and descriptions run to a thousand
    characters or more; most edits touch a small stretch, so what both texts
    start and end with is taken as equal before the matcher sees the rest.
    """
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    a, b = old[head:len(old) - tail], new[head:len(new) - tail]
    ops: list[tuple[str, int, int, int, int]] = [("equal", 0, head, 0, head)] if head else []
    for tag, a0, a1, b0, b1 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        ops.append((tag, a0 + head, a1 + head, b0 + head, b1 + head))
    if tail:
        ops.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return _merged(ops)


def _merged(ops: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """Adjacent equal runs joined (the head or tail beside an equal run of the matcher's)."""
    out: list[tuple[str, int, int, int, int]] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if out and out[-1][0] == op[0] == "equal":
            last = out.pop()
            op = ("equal", last[1], op[2], last[3], op[4])
        out.append(op)
    return out


def _shorten(run: str) -> str:
    if len(run) <= LONGEST:
        return run
    return f"{run[:LONGEST // 2]}…（{len(run)}字）…{run[-LONGEST // 4:]}"


def similarity(old: str, new: str) -> float:
    """How alike two texts are (0–1), to pair a rewritten KPI with the one it replaced."""
    return SequenceMatcher(None, old, new, autojunk=False).ratio()
