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
from enum import Enum, StrEnum
from functools import cached_property
from string import Formatter

from kg.errors import Position

#: The value of a template field as a finding keeps it: a JSON scalar, so that
#: findings stay hashable, pickle cheaply (they travel between worker processes)
#: and serialise as they are (``kg build --findings``).
FieldValue = str | int | float | bool | None


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

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The names of the template's fields, in the order they appear (each once).

        Cached: every finding made checks its fields against these (a build makes hundreds of thousands).
        """
        return template_fields(self.template)


def template_fields(template: str) -> tuple[str, ...]:
    """The field names of a ``str.format`` template (``{value!r}`` → ``value``), each once, in order."""
    names: dict[str, None] = {}
    for _text, name, _spec, _conversion in Formatter().parse(template):
        if name is not None:
            names[name.split(".", 1)[0].split("[", 1)[0]] = None
    return tuple(names)


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
            "A header, or edition.toml, names an article column that the edition or the law reference"
            " data does not know.",
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
            "no-marks",
            W,
            "no ◎/○ mark in the row: the measure's marks may have been lost in extraction",
            "A measure row without any mark. The extraction is known to lose cells, so the absence is"
            " listed for a person to check against the PDF rather than read as 'no legal basis'.",
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
            "mark-after-organization",
            W,
            "{value} in cell {column}, after the ministry cell: not read as a mark of any article",
            "A ◎ or ○ stands to the right of the 府省庁名 cell, where the table has no article column; it is"
            " left out of the marks and listed for a person to place (in the curated table) or dismiss.",
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
            "lineage-unconfirmed",
            W,
            "measure {measure} of {edition} has the ID of a measure of {previous} named {name!r}: not linked"
            " (a row in data/lineage.csv links them)",
            "A measure has the ID of one in the previous edition but another name, so it is not taken as the"
            " same measure without a crosswalk row.",
        ),
        _t(
            "crosswalk-unknown-measure",
            E,
            "data/lineage.csv names measure {measure} of edition {edition}, which the build does not have",
            "A crosswalk row names an edition or measure that is not in the data.",
        ),
        _t(
            "crosswalk-merged-kept",
            E,
            "data/lineage.csv says measure {measure} of {edition} was merged into {target} of {into},"
            " but it is also continued, by {kept}",
            "A measure the crosswalk merges into another is also continued (by the same ID and name in the"
            " next edition, or by another crosswalk row): it cannot both end and go on.",
        ),
        _t(
            "unverified-numbering",
            W,
            "{law}: no source says which article was numbered {number} on {date}"
            " (numbering known for {coverage}); the column {label} is linked to no article",
            "An article column whose number the law reference data does not cover on the decision date.",
        ),
        _t(
            "bad-fiscal-year",
            E,
            "{value!r} is not a plausible fiscal year",
            "A year outside the plan's range.",
        ),
        _t(
            "egov-bad-response",
            W,
            "{action} (start {start}): {reason}; the harvest stopped here (run it again to resume)",
            "The portal answered a request of the harvest with something other than CKAN's JSON result"
            " (an HTML page, success false, a 409 …).",
        ),
        _t(
            "egov-bad-record",
            W,
            "dataset {name}: {reason}",
            "A harvested dataset record lacks a field the mapping needs; it is left out of the graph.",
        ),
        _t(
            "egov-unknown-organization",
            W,
            "dataset {name}: publisher {organization!r} matches no organisation of the gazetteer"
            " (by 法人番号 tag, name or dataset-name prefix); not linked",
            "A harvested dataset's publisher could not be linked to the gazetteer by any of the three keys:"
            " a person checks it (never a guess).",
        ),
        _t(
            "egov-count-mismatch",
            W,
            "the portal counted {count} datasets in the harvest window, the harvest holds {held}",
            "Records were added or deleted while the harvest paged through the portal.",
        ),
        _t(
            "input-error",
            E,
            "{message}",
            "The input could not be read at all (an :class:`kg.errors.InputError`: kg build stops at"
            " once, exit 3). Made only for the findings file of ``kg build --findings``.",
        ),
    ]
}

#: Finding codes that record an inference (or a doubt) for a person to check.
REVIEW_CODES = (
    "lineage-unconfirmed",
    "uncertain-mark-column",
    "unplaceable-mark",
    "no-marks",
    "unexpected-mark-cell",
    "mark-after-organization",
    "split-organization",
    "aliased-organization",
    "concerned-ministries",
    "unknown-organization",
    "kpi-space-split",
    "calendar-mismatch",
    "markup-kept-as-text",
    "egov-unknown-organization",
)


@dataclass(frozen=True, slots=True)  # slots: a large edition keeps hundreds of thousands
class Finding:
    """One thing a run noticed, with where it was found.

    ``raw`` is the source cell as written; ``inferred`` and ``confidence`` say
    what the builder concluded from it, for the review report. ``fields`` are
    the values the message was made from (its template's fields, as name/value
    pairs in template order), so that tools need not parse ``message``.
    """

    code: str
    severity: Severity
    message: str
    position: Position = field(default_factory=Position)
    raw: str | None = None
    inferred: str | None = None
    confidence: str | None = None
    fields: tuple[tuple[str, FieldValue], ...] = ()

    @property
    def values(self) -> dict[str, FieldValue]:
        """``fields`` as a dictionary."""
        return dict(self.fields)

    def __reduce__(self) -> tuple[type[Finding], tuple[object, ...]]:
        """Pickle as the constructor's arguments.

        The default for a slotted dataclass calls ``dataclasses.fields()`` for
        every object, and a large build sends hundreds of thousands of findings
        back from its worker processes.
        """
        return (
            Finding,
            (
                self.code,
                self.severity,
                self.message,
                self.position,
                self.raw,
                self.inferred,
                self.confidence,
                self.fields,
            ),
        )

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
    """Make a finding of a registered type, filling its message template from ``fields``.

    ``fields`` must be exactly the template's fields (a :class:`TypeError`
    otherwise: a programming error, which tests/test_findings.py also checks
    statically). The finding keeps them, each as a JSON scalar (enums by
    value, anything else as its ``str``).
    """
    ftype = FINDING_TYPES[code]
    names = ftype.fields
    if set(fields) != set(names):
        raise TypeError(
            f"finding {code!r} takes the fields {', '.join(names) or '(none)'},"
            f" not {', '.join(sorted(fields)) or '(none)'}"
        )
    return Finding(
        code=code,
        severity=ftype.severity,
        message=ftype.template.format(**fields),
        position=position or Position(),
        raw=raw,
        inferred=inferred,
        confidence=confidence,
        fields=tuple((name, _scalar(fields[name])) for name in names),
    )


def _scalar(value: object) -> FieldValue:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return str(value)  # a plain str, also of a str subclass
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


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
