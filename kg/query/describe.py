"""Text that tells a person what the bundled queries are and what they take."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from kg.query.catalogue import QueryDoc


def _signature(doc: QueryDoc) -> str:
    parts = [f"{p.name}" if p.required else f"{p.name}={p.default}" for p in doc.parameters]
    return f"[{', '.join(parts)}]" if parts else ""


def catalogue_listing(docs: Iterable[QueryDoc]) -> str:
    """``kg query --list``: name and parameters, then the titles in Japanese and English."""
    blocks = []
    for doc in docs:
        lines = [f"{doc.name}  {_signature(doc)}".rstrip()]
        lines += [f"    {t}" for t in (doc.title_ja, doc.title_en) if t]
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n"


def query_help(doc: QueryDoc, width: int = 78) -> str:
    """``kg query NAME --help``: titles, description, parameters and an example."""
    out = [f"{doc.name}: {doc.title_ja}" if doc.title_ja else doc.name]
    out += [doc.title_en, ""] if doc.title_en else [""]
    if doc.description:
        out += [*textwrap.wrap(doc.description, width), ""]
    if doc.parameters:
        out.append("Parameters (--param NAME=VALUE):")
        for p in doc.parameters:
            kind = f"{p.type}, required" if p.required else f"{p.type}, default {p.default}"
            out.append(f"  {p.name}  ({kind})")
            out += textwrap.wrap(p.description, width, initial_indent="      ", subsequent_indent="      ")
        out.append("")
        example = " ".join(f"--param {p.name}={p.default if p.default is not None else 'VALUE'}"
                           for p in doc.parameters)
        out += ["Example:", f"  kg query {doc.name} {example}", ""]
    else:
        out += ["Parameters: none", ""]
    return "\n".join(out)
