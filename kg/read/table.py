"""Read the extracted 施策集 table: blocks, two-row headers, ragged measure rows.

The PDF extraction left a series of blocks separated by blank lines. Each block
repeats a two-row header: row 1 names the fixed columns (施策番号, 施策名, KPI,
課題・取組概要) and the two law groups and 府省庁名; row 2 holds the article
labels (10条, 11条 1項 2項, …). Widths vary from block to block, so nothing here
assumes the 2023 layout: the fixed columns are found by their header names and
the article columns are read from each block's own label row.

The reader yields every raw cell with its line and (1-based) column; it decides
nothing about marks or ministries (that is :mod:`kg.normalise`).
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from kg.errors import Position
from kg.findings import Finding, Severity, finding
from kg.read.edition import is_article_label, label_key
from kg.read.source import SourceText
from kg.records import Cell, KpiColumn, TableLayout

#: A measure ID: group and serial (03-01 in 2023, 2-4 in 2022; longer serials in large synthetic editions).
#: ASCII digits only: ``\d`` would also take full-width ``０６-２２``, which the shapes refuse (and
#: ``--no-validate`` would have published).
MEASURE_ID = re.compile(r"^[0-9]{1,3}-[0-9]{1,4}$")


@dataclass(frozen=True)
class LabelCell:
    """One article label in a block's label row: where it stands and what it says."""

    column: int  # 1-based cell index in the label row
    label: str  # normalised (label_key)
    raw: str


@dataclass(frozen=True)
class Header:
    """A block's two-row header."""

    line: int  # line of header row 1
    width: int
    columns: dict[str, int]  # role ("id", "name", "description") → 1-based column
    kpis: tuple[tuple[int, KpiColumn], ...]  # 1-based column of each KPI column, in layout order
    articles: tuple[LabelCell, ...]
    names: dict[int, str]  # 1-based column → header text, for messages
    # Derived once per block, used for every row under it:
    labels: tuple[str, ...] = field(init=False)
    label_at: dict[int, str] = field(init=False)  # 0-based cell index → label
    #: 0-based index of the first cell after the fixed columns (where marks may stand).
    mark_start: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(a.label for a in self.articles))
        object.__setattr__(self, "label_at", {a.column - 1: a.label for a in self.articles})
        object.__setattr__(self, "mark_start", max([*self.columns.values(), *(c for c, _ in self.kpis)]))

    def column_name(self, column: int) -> str | None:
        return self.names.get(column)


@dataclass(frozen=True)
class RawRow:
    """A measure row: all its cell texts (empty ones included) and the header it stands under."""

    file: str
    line: int
    texts: tuple[str, ...]
    header: Header

    def cell(self, role: str) -> Cell:
        """The cell of a fixed column (``id``, ``name``, ``description``)."""
        return self.at(self.header.columns[role])

    def at(self, column: int) -> Cell:
        """The cell in a 1-based column (empty past the row's end)."""
        index = column - 1
        return Cell(self.line, column, self.texts[index] if index < len(self.texts) else "")

    def kpi_cells(self) -> list[tuple[KpiColumn, Cell]]:
        """The KPI cells, in the order the edition lists its KPI columns."""
        return [(kpi, self.at(column)) for column, kpi in self.header.kpis]

    def position(self, column: int | None = None, measure_id: str | None = None) -> Position:
        name = self.header.column_name(column) if column is not None else None
        return Position(self.file, self.line, column, name, measure_id)


#: A line as a reader walks it: decoded text, or a sliceable source's (offset, bytes).
_Line = TypeVar("_Line")


@dataclass
class TableReading:
    """The headers of a table (read in a first pass) and a second pass over its rows.

    The edition's article labels are its layout's (``edition.toml``); each
    header's own labels say where they stand in its block.
    """

    source: SourceText
    layout: TableLayout
    headers: list[Header]
    findings: list[Finding]
    _starts: dict[int, Header | None] = field(default_factory=dict, repr=False)
    _row_lines: array[int] = field(default_factory=lambda: array("L"), repr=False)
    #: Where each row line starts in the file's bytes (a sliceable source's first pass learns it).
    _row_offsets: array[int] = field(default_factory=lambda: array("Q"), repr=False)

    @property
    def row_count(self) -> int:
        """Lines below the headers (measure rows, readable or not)."""
        return len(self._row_lines)

    def rows(self) -> Iterator[RawRow | Finding]:
        """Measure rows in file order; a row that cannot be read yields its finding instead."""
        return _rows(self.source.name, self.source.lines(), _Place(1, 0, None), self._starts)

    def slices(self, rows: int) -> list[RowSlice]:
        """The rows cut into stretches of ``rows`` rows that a worker process reads on its own.

        Only for a :attr:`~kg.read.source.SourceText.sliceable` source: each
        stretch is a span of bytes that decodes alone, with what reading it
        needs to know of the blocks it starts in and crosses.
        """
        if not self.source.sliceable:
            raise ValueError(f"{self.source.name}: its encoding cannot be cut into stretches")
        firsts = list(self._row_lines[::rows])
        offsets = list(self._row_offsets[::rows])
        blocks = sorted(self._starts)
        out: list[RowSlice] = []
        for k, line in enumerate(firsts):
            nxt = firsts[k + 1] if k + 1 < len(firsts) else None
            first = bisect.bisect_right(blocks, line) - 1  # the block the stretch starts in
            begin = blocks[first]
            stop = len(blocks) if nxt is None else bisect.bisect_right(blocks, nxt)
            starts = {b: self._starts[b] for b in blocks[first:stop]}
            end = offsets[k + 1] if nxt is not None else None
            out.append(RowSlice(offsets[k], end, _Place(line, line - begin, self._starts[begin]), starts))
        return out


@dataclass(frozen=True)
class _Place:
    """Where a reading starts: the line's number, its index in its block, the block's header."""

    line: int
    index: int
    header: Header | None


@dataclass(frozen=True)
class RowSlice:
    """A stretch of rows: its bytes (``end`` None: to the end of the file) and the blocks it reads in."""

    start: int
    end: int | None
    place: _Place
    starts: dict[int, Header | None]  # the header of each block the stretch starts in or crosses


def slice_rows(source: SourceText, piece: RowSlice) -> Iterator[RawRow | Finding]:
    """The rows of one stretch, as :meth:`TableReading.rows` gives them there (in a worker process)."""
    return _rows(source.name, source.lines_between(piece.start, piece.end), piece.place, piece.starts)


def _rows(
    file: str, lines: Iterable[str], place: _Place, starts: dict[int, Header | None]
) -> Iterator[RawRow | Finding]:
    header = place.header
    for number, text, index in _walk(lines, _blank, place.line, place.index):
        if index == 0:
            header = starts.get(number)
        elif index >= 2 and header is not None:
            yield _row(file, number, text, header)


def _walk(
    lines: Iterable[_Line], blank: Callable[[_Line], bool], start: int = 1, index: int = 0
) -> Iterator[tuple[int, _Line, int]]:
    """Non-blank lines with their 1-based number and index in their block (0, 1: the header rows).

    ``lines`` are decoded lines (``blank``: :func:`_blank`) or a sliceable source's
    :meth:`~kg.read.source.SourceText.outline` (see :func:`_first_pass`); ``start``
    and ``index`` are those of the first line (a stretch read from its middle).
    """
    for number, line in enumerate(lines, start=start):
        if blank(line):
            index = 0
            continue
        yield number, line, index
        index += 1


def _blank(text: str) -> bool:
    return not text.strip()


def read_table(source: SourceText, layout: TableLayout) -> TableReading:
    """First pass: find every block's header (rows are read lazily by :meth:`TableReading.rows`).

    ``layout`` (from the edition's ``edition.toml``) says which header names
    each fixed column; each block's own label row says where its article
    columns stand.
    """
    findings: list[Finding] = list(source.findings)
    headers: list[Header] = []
    starts: dict[int, Header | None] = {}
    block: list[tuple[int, str]] = []  # the first two lines of the current block

    def close() -> None:
        if not block:
            return
        header, problem = _parse_header(source.name, block, layout)
        starts[block[0][0]] = header
        if problem is not None:
            findings.append(problem)
        if header is not None:
            headers.append(header)

    row_lines: array[int] = array("L")
    row_offsets: array[int] = array("Q")
    for number, text, index, offset in _first_pass(source):
        if index == 0:
            close()
            block = []
        if index < 2:
            block.append((number, text))
        else:
            row_lines.append(number)
            if offset is not None:
                row_offsets.append(offset)
    close()
    if not row_lines and not any(f.severity is Severity.ERROR for f in findings):
        findings.append(finding("missing-header", Position(source.name), detail="no measure rows found"))
    return TableReading(source, layout, headers, findings, starts, row_lines, row_offsets)


def _first_pass(source: SourceText) -> Iterator[tuple[int, str, int, int | None]]:
    """:func:`_walk` over the source's lines, with each line's byte offset where the source is sliceable.

    There the lines are walked as bytes (:meth:`~kg.read.source.SourceText.outline`),
    and only a block's two header lines are decoded (a row's text is ``""``): a
    large edition is hundreds of megabytes that the workers decode anyway, each
    its own stretch, starting at the offsets learnt here.
    """
    if not source.sliceable:
        for number, text, index in _walk(source.lines(), _blank):
            yield number, text, index, None
        return
    for number, (offset, line), index in _walk(source.outline(), functools.partial(_blank_bytes, source)):
        yield number, source.text_of(offset, line) if index < 2 else "", index, offset


def _blank_bytes(source: SourceText, item: tuple[int, bytes]) -> bool:
    """Whether a line of the outline is blank as its text is (:func:`_blank`), mostly told from one byte.

    ASCII spaces are stripped from the bytes; a printable ASCII character after them
    is text (in every sliceable encoding a byte there starts a character). Anything
    else (an ideographic space, a control character) is decided on the decoded text.
    """
    offset, line = item
    rest = line.lstrip()
    if not rest:
        return True
    if 0x20 < rest[0] < 0x7F:
        return False
    return _blank(source.text_of(offset, line))


def _parse_header(
    file: str, block: list[tuple[int, str]], layout: TableLayout
) -> tuple[Header | None, Finding | None]:
    # Blocks repeat a handful of header variants thousands of times in a large
    # edition: parse each variant once, and place it at this block's line.
    texts = tuple(text for _, text in block)
    header, problem = _parse_header_texts(file, texts, layout)
    if header is not None:
        header = replace(header, line=block[0][0])
    if problem is not None:
        offset = 0 if problem.position.line == 1 else 1
        problem = replace(problem, position=replace(problem.position, line=block[offset][0]))
    return header, problem


@functools.lru_cache(maxsize=1024)  # variants of a header (widths, labels) number in the hundreds at most
def _parse_header_texts(
    file: str, texts: tuple[str, ...], layout: TableLayout
) -> tuple[Header | None, Finding | None]:
    block = list(enumerate(texts, start=1))  # lines counted within the block; the caller moves them
    first_line, first = block[0]
    cells = first.split("\t")
    keys = [label_key(c) for c in cells]
    if label_key(layout.id) not in keys:
        return None, finding(
            "missing-header",
            Position(file, first_line),
            raw=first[:80],
            detail=f"block starts without the header row ({layout.id} {layout.name} …):"
            " its rows cannot be read",
        )
    columns: dict[str, int] = {}
    names: dict[int, str] = {}
    wanted = [*layout.fixed().items(), *((f"kpi{i}", k.header) for i, k in enumerate(layout.kpis))]
    for role, name in wanted:
        key = label_key(name)
        if key not in keys:
            return None, finding(
                "missing-header", Position(file, first_line), detail=f"header row lacks the column {name}"
            )
        columns[role] = keys.index(key) + 1
        names[columns[role]] = name
    kpis = tuple((columns.pop(f"kpi{i}"), k) for i, k in enumerate(layout.kpis))
    if len(block) < 2:
        return None, finding(
            "missing-header", Position(file, first_line), detail="header row 2 (article labels) is missing"
        )
    label_line, label_text = block[1]
    label_cells = label_text.split("\t")
    articles = tuple(
        LabelCell(i + 1, label_key(c), c) for i, c in enumerate(label_cells) if is_article_label(c)
    )
    if not articles:
        return None, finding(
            "missing-header",
            Position(file, label_line),
            raw=label_text[:80],
            detail="header row 2 holds no article labels (10条, 11条 1項 2項, …)",
        )
    for a in articles:
        names[a.column] = a.raw.strip()
    width = max(len(cells), len(label_cells))
    return Header(first_line, width, columns, kpis, articles, names), None


def _row(file: str, line: int, text: str, header: Header) -> RawRow | Finding:
    texts = tuple(text.split("\t"))
    row = RawRow(file, line, texts, header)
    id_cell = row.cell("id")
    measure_id = id_cell.text.strip()
    if not MEASURE_ID.match(measure_id):
        return finding("bad-measure-id", row.position(id_cell.column), raw=id_cell.text, value=measure_id)
    needed = header.mark_start
    if len(texts) < needed:
        return finding(
            "truncated-row",
            row.position(len(texts), measure_id),
            raw=text[-80:],
            cells=len(texts),
            needed=needed,
        )
    return row
