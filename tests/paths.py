"""Paths the tests share, and the bundled edition's table layout."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

from kg.read.edition import label_key, load_edition_meta
from kg.records import TableLayout

ROOT = Path(__file__).resolve().parents[1]
SEED_EDITION = ROOT / "data" / "editions" / "2023"
SEED = SEED_EDITION / "000_12dec0b774bbd4f2.txt"
#: The bundled edition's key (its Cabinet decision date) and the name of its graph's files.
SEED_KEY = "2023-06-09"
SEED_GRAPH = f"plan-{SEED_KEY}"


@cache
def seed_layout() -> TableLayout:
    """The table layout of the bundled edition, as its ``edition.toml`` describes it."""
    return load_edition_meta(SEED_EDITION).layout


def layout_of(*labels: str) -> TableLayout:
    """The bundled layout with only the article columns ``labels`` (for small synthetic tables)."""
    wanted = [label_key(label) for label in labels]
    columns = {c.label: c for c in seed_layout().articles}
    missing = [label for label in wanted if label not in columns]
    assert not missing, f"not article labels of the bundled edition: {missing}"
    return replace(seed_layout(), articles=tuple(columns[label] for label in wanted))


def pin(edition: Path) -> None:
    """Record in ``edition``'s edition.toml the SHA-256 of its source as it is now.

    kg refuses an edition whose source is not pinned; a test that writes or
    edits a source pins it afterwards, as a user would after checking the file.
    """
    toml = edition / "edition.toml"
    text = toml.read_text(encoding="utf-8")
    found = re.search(r'(?m)^source = "([^"]+)"', text)
    if found is None:  # a test of an edition.toml without its source: nothing to pin
        return
    source = edition / found.group(1)
    line = f'sha256 = "{hashlib.sha256(source.read_bytes()).hexdigest()}"'
    if re.search(r"(?m)^sha256 = ", text):
        text = re.sub(r'(?m)^sha256 = "[^"]*"', line, text)
    else:
        text = re.sub(r"(?m)^(source = .*)$", lambda m: f"{m.group(1)}\n{line}", text, count=1)
    toml.write_text(text, encoding="utf-8")
