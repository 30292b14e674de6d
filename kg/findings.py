"""Typed findings: what a run noticed, each with a stable code and a position.

Modelled on frictionless-py: every finding type has a stable ``code``, a message
template and a severity; a run collects findings into one :class:`Report`, and
the CLI derives the exit code from it. Findings are data, never strings, so the
review report, the SHACL report and the CLI all render the same records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from kg.errors import Position


class Severity(StrEnum):
    """How much a finding matters. ``error`` stops a build; ``warning`` needs review."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class FindingType:
    """A kind of finding: its stable code, severity and message template."""

    code: str
    severity: Severity
    template: str
    description: str


def _t(code: str, severity: Severity, template: str, description: str) -> FindingType:
    return FindingType(code, severity, template, description)


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Every finding type kg can report. Codes are stable: scripts may match on them.
#: (A file that cannot be read at all — empty, binary, undecodable — is not a
#: finding but an :class:`kg.errors.InputError`: nothing else can be said about it.)
FINDING_TYPES: dict[str, FindingType] = {
    t.code: t
    for t in [
        _t(
            "encoding-detected",
            INFO,
            "read as {encoding}",
            "The file was not UTF-8 and its encoding was detected.",
        ),
        _t(
            "missing-header",
            E,
            "{detail}",
            "A block of rows has no two-row header (施策番号 … / article labels).",
        ),
        _t(
            "unknown-article-label",
            E,
            "unknown article column label {label!r}",
            "A header names an article column that the law reference data does not know.",
        ),
        _t(
            "truncated-row",
            E,
            "row has {cells} cells; a measure row needs at least {needed}",
            "A measure row stops before its name, KPI and description cells.",
        ),
        _t(
            "bad-measure-id",
            E,
            "malformed measure ID {value!r} (expected NN-MM)",
            "The 施策番号 cell is not of the form NN-MM.",
        ),
        _t(
            "duplicate-measure-id",
            E,
            "measure ID {value} appears again (first at line {first_line})",
            "Measure IDs are unique within an edition.",
        ),
        _t("missing-name", E, "measure has no name (施策名 is empty)", "Every measure has a name."),
        _t(
            "missing-organization",
            E,
            "measure names no ministry (府省庁名 is empty)",
            "Every measure is run by at least one organisation.",
        ),
        _t(
            "uncertain-mark-column",
            W,
            "{strength} mark in cell {column}: column read as {label} with {level} confidence"
            " (readings: {readings})",
            "The cell of a mark does not line up with the header, so its article was inferred.",
        ),
        _t(
            "unplaceable-mark",
            W,
            "{strength} mark in cell {column} fits no article column (readings: {readings})",
            "No alignment of the row places this mark under an article column.",
        ),
        _t(
            "unexpected-mark-cell",
            W,
            "unexpected text {value!r} in the article-mark area",
            "A cell between the description and the ministries holds something other than ◎ or ○.",
        ),
        _t(
            "curated-removed",
            INFO,
            "measure {value} of the extract is not in the curated table: left out",
            "A person removed a measure from the curated table.",
        ),
        _t(
            "bad-curated-mark", E, "{detail}", "A mark in the curated table that does not follow its grammar."
        ),
        _t(
            "markup-kept-as-text",
            W,
            "the cell holds markup that is not table formatting ({value}); it is kept as text",
            "A tag such as <script> in a cell: published as literal text, never as markup.",
        ),
        _t(
            "unknown-organization",
            E,
            "unknown organisation name {value!r}",
            "A ministry name that the gazetteer does not know.",
        ),
        _t(
            "aliased-organization",
            INFO,
            "{value!r} read as {name}",
            "A short form or variant of an organisation name.",
        ),
        _t(
            "split-organization",
            W,
            "{value!r} split into {names}",
            "Two organisation names written without a separator were split.",
        ),
        _t(
            "concerned-ministries",
            W,
            "{value!r} (the ministries concerned) is a flag, not an organisation",
            "関係府省庁 names no organisation; the measure is flagged instead.",
        ),
        _t(
            "kpi-space-split",
            W,
            "KPI cell split at a space into {count} items",
            "Two KPIs were told apart only by a space between Japanese sentences.",
        ),
        _t(
            "calendar-mismatch",
            E,
            "{western} and {japanese} name different years",
            "A year written in both calendars whose two forms disagree.",
        ),
        _t(
            "shacl-violation",
            E,
            "{message}",
            "A SHACL violation of the built graph (kg.validate); the build writes nothing.",
        ),
        _t(
            "shacl-warning",
            W,
            "{message}",
            "A SHACL warning: something to review (added to the build's report only with --strict).",
        ),
        _t("shacl-info", INFO, "{message}", "A SHACL note."),
        _t(
            "unverified-numbering",
            W,
            "{law}: article numbering after {until} is not in the reference data"
            " (edition decided {date}); articles are linked by the numbering known up to {until}",
            "An edition decided after the date up to which the law reference data is checked.",
        ),
        _t(
            "bad-fiscal-year",
            E,
            "{value!r} is not a plausible fiscal year",
            "A year outside the plan's range.",
        ),
    ]
}


@dataclass(frozen=True)
class Finding:
    """One thing a run noticed, with where it was found.

    ``raw`` is the source cell as written; ``inferred`` and ``confidence`` say
    what the builder concluded from it, for the review report.
    """

    code: str
    severity: Severity
    message: str
    position: Position = field(default_factory=Position)
    raw: str | None = None
    inferred: str | None = None
    confidence: str | None = None

    def __str__(self) -> str:
        where = str(self.position)
        return (
            f"{self.severity}: {where}: {self.message} [{self.code}]"
            if where
            else (f"{self.severity}: {self.message} [{self.code}]")
        )


def finding(
    code: str,
    position: Position | None = None,
    *,
    raw: str | None = None,
    inferred: str | None = None,
    confidence: str | None = None,
    **fields: object,
) -> Finding:
    """Make a finding of a registered type, filling its message template from ``fields``."""
    ftype = FINDING_TYPES[code]
    return Finding(
        code=code,
        severity=ftype.severity,
        message=ftype.template.format(**fields),
        position=position or Position(),
        raw=raw,
        inferred=inferred,
        confidence=confidence,
    )


@dataclass
class Report:
    """All findings of one run. A run is valid when it has no error."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, item: Finding) -> None:
        self.findings.append(item)

    def extend(self, items: Iterable[Finding]) -> None:
        self.findings.extend(items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def valid(self) -> bool:
        return not self.errors

    def counts(self) -> Counter[str]:
        """Findings counted by severity."""
        return Counter(str(f.severity) for f in self.findings)
