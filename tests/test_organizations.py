"""Reading the 府省庁名 cell, pinned on the real 2023 extract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.errors import Position
from kg.findings import Severity
from kg.normalise.organizations import OrganizationCell, parse_organizations
from kg.records import MatchMethod
from kg.reference.organizations import Gazetteer, load_gazetteer

SOURCE = Path(__file__).resolve().parents[1] / "data" / "editions" / "2023" / "000_12dec0b774bbd4f2.txt"
_MEASURE_ID = re.compile(r"\d\d-\d\d")
Cells = dict[str, tuple[str, bool, int]]  # measure ID -> (ministry cell, bare ◎ before it, line)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def cells() -> Cells:
    """Measure ID -> (ministry cell, bare ◎ before it, line) of every measure row of the real file.

    The ministry cell is the row's last non-empty cell; a bare ◎ alone in the
    cell before it, when the ministry text has no ◎ of its own, is its lead marker.
    """
    found: Cells = {}
    for line, text in enumerate(SOURCE.read_text(encoding="utf-8").splitlines(), start=1):
        row = text.split("\t")
        if not _MEASURE_ID.fullmatch(row[0].strip()):
            continue
        last = max(i for i, cell in enumerate(row) if cell.strip())
        ministry = row[last]
        marker = last > 0 and row[last - 1].strip() == "◎" and not ministry.strip().startswith("◎")
        found[row[0].strip()] = (ministry, marker, line)
    return found


def _parse(gazetteer: Gazetteer, cells: Cells, measure: str) -> OrganizationCell:
    raw, marker, line = cells[measure]
    return parse_organizations(
        raw, gazetteer, Position(file=SOURCE.name, line=line, measure_id=measure), lead_marker=marker
    )


def _orgs(cell: OrganizationCell) -> list[tuple[str, bool, MatchMethod]]:
    return [(p.org_id, p.lead, p.method) for p in cell.participations]


def _codes(cell: OrganizationCell) -> list[str]:
    return [f.code for f in cell.findings]


E, A, S = MatchMethod.EXACT, MatchMethod.ALIAS, MatchMethod.SPLIT


def test_the_real_file_has_the_rows_we_pin(cells: Cells) -> None:
    assert len(cells) == 48
    assert cells["04-01"][:2] == ("◎内閣官房デジタル庁", False)
    assert cells["09-34"][:2] == ("文部科学省 内閣府", True)
    assert cells["09-35"][:2] == ("文部科学省、 経済産業省", True)


def test_04_01_glued_names_are_split(gazetteer: Gazetteer, cells: Cells) -> None:
    cell = _parse(gazetteer, cells, "04-01")
    assert _orgs(cell) == [("cas", True, S), ("da", False, S)]
    assert [p.raw_name for p in cell.participations] == ["内閣官房", "デジタル庁"]
    assert [p.order for p in cell.participations] == [1, 2]
    (split,) = cell.findings
    assert split.code == "split-organization" and split.severity is Severity.WARNING
    assert split.raw == "◎内閣官房デジタル庁"
    assert "内閣官房 + デジタル庁" in split.message
    assert split.position.measure_id == "04-01" and split.position.line == cells["04-01"][2]
    assert not cell.concerned_ministries


def test_04_07_concerned_ministries_is_a_flag(gazetteer: Gazetteer, cells: Cells) -> None:
    cell = _parse(gazetteer, cells, "04-07")
    assert _orgs(cell) == [("mic", True, E), ("da", False, E), ("ppc", False, E), ("meti", False, E)]
    assert cell.concerned_ministries
    assert _codes(cell) == ["concerned-ministries"]
    assert cell.findings[0].severity is Severity.WARNING and "関係府省庁" in cell.findings[0].message


def test_06_14_short_form(gazetteer: Gazetteer, cells: Cells) -> None:
    cell = _parse(gazetteer, cells, "06-14")
    assert _orgs(cell) == [("da", True, E), ("mof", False, E), ("meti", False, A)]
    assert cell.participations[2].raw_name == "経産省"
    assert _codes(cell) == ["aliased-organization"]
    assert "経済産業省" in cell.findings[0].message


def test_06_22_middle_dots_and_short_forms(gazetteer: Gazetteer, cells: Cells) -> None:
    cell = _parse(gazetteer, cells, "06-22")
    assert cells["06-22"][0] == "◎総務省・デジタル庁・厚労省・経産省"
    assert _orgs(cell) == [("mic", True, E), ("da", False, E), ("mhlw", False, A), ("meti", False, A)]
    assert _codes(cell) == ["aliased-organization", "aliased-organization"]


def test_06_23_fire_agency(gazetteer: Gazetteer, cells: Cells) -> None:
    cell = _parse(gazetteer, cells, "06-23")
    assert _orgs(cell) == [("fdma", True, A)]
    assert cell.participations[0].raw_name == "総務省消防庁"
    assert _codes(cell) == ["aliased-organization"]


def test_09_34_bare_lead_marker_and_space(gazetteer: Gazetteer, cells: Cells) -> None:
    cell = _parse(gazetteer, cells, "09-34")
    assert _orgs(cell) == [("mext", True, E), ("cao", False, E)]
    assert cell.findings == ()


def test_09_35_bare_lead_marker_and_comma_space(gazetteer: Gazetteer, cells: Cells) -> None:
    cell = _parse(gazetteer, cells, "09-35")
    assert _orgs(cell) == [("mext", True, E), ("meti", False, E)]
    assert cell.findings == ()


def test_every_name_in_the_real_file_resolves(gazetteer: Gazetteer, cells: Cells) -> None:
    seen: set[str] = set()
    for measure in cells:
        cell = _parse(gazetteer, cells, measure)
        assert cell.participations, measure
        assert "unknown-organization" not in _codes(cell), measure
        assert sum(p.lead for p in cell.participations) == 1, measure  # one ◎ in every real row
        assert cell.participations[0].lead, measure
        seen.update(p.org_id for p in cell.participations)
    assert seen == {
        "cas",
        "cao",
        "da",
        "mic",
        "fdma",
        "moj",
        "mofa",
        "mof",
        "mext",
        "mhlw",
        "maff",
        "meti",
        "mlit",
        "ppc",
        "npa",
        "fsa",
    }


# --- behaviour beyond the real rows -----------------------------------------------------------

POSITION = Position(file="t.txt", line=7, column=32, measure_id="99-01")


def test_unknown_name_is_reported_not_dropped(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("◎総務省、未来省、経済産業省", gazetteer, POSITION)
    assert _orgs(cell) == [("mic", True, E), ("meti", False, E)]
    (unknown,) = cell.findings
    assert unknown.code == "unknown-organization" and unknown.severity is Severity.ERROR
    assert "未来省" in unknown.message
    assert unknown.raw == "◎総務省、未来省、経済産業省"
    assert unknown.position == POSITION


def test_unknown_glued_name_is_not_split(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("総務省未来局", gazetteer, POSITION)
    assert cell.participations == ()
    assert _codes(cell) == ["unknown-organization"]


def test_several_leads(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("◎総務省、◎経済産業省、内閣府", gazetteer, POSITION)
    assert _orgs(cell) == [("mic", True, E), ("meti", True, E), ("cao", False, E)]


def test_lead_marker_does_not_double_an_own_lead(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("◎総務省、内閣府", gazetteer, POSITION, lead_marker=True)
    assert _orgs(cell) == [("mic", True, E), ("cao", False, E)]


def test_a_detached_lead_mark_leads_the_next_name(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("◎ 総務省、内閣府", gazetteer, POSITION)
    assert _orgs(cell) == [("mic", True, E), ("cao", False, E)]


def test_lead_goes_to_the_first_part_of_a_split_only(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("総務省、◎内閣府金融庁", gazetteer, POSITION)
    # 内閣府金融庁 is 金融庁 qualified by its parent: an alias, not two organisations
    assert _orgs(cell) == [("mic", False, E), ("fsa", True, A)]
    cell = parse_organizations("総務省、◎経済産業省国土交通省", gazetteer, POSITION)
    assert _orgs(cell) == [("mic", False, E), ("meti", True, S), ("mlit", False, S)]


def test_duplicates_are_kept_once(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("◎経済産業省、総務省、経産省、◎総務省", gazetteer, POSITION)
    assert _orgs(cell) == [("meti", True, E), ("mic", True, E)]
    assert [p.order for p in cell.participations] == [1, 2]


@pytest.mark.parametrize(
    "raw",
    [
        "総務省、経済産業省",
        "総務省・経済産業省",
        "総務省，経済産業省",
        "総務省,経済産業省",
        "総務省 経済産業省",
        "総務省\u3000経済産業省",
        "総務省、 経済産業省",
        "総務省･経済産業省",
    ],
)
def test_separators(gazetteer: Gazetteer, raw: str) -> None:
    cell = parse_organizations(raw, gazetteer, POSITION)
    assert _orgs(cell) == [("mic", False, E), ("meti", False, E)]
    assert cell.findings == ()


def test_concerned_ministries_short_form(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("関係省庁", gazetteer, POSITION)
    assert cell.participations == () and cell.concerned_ministries
    assert _codes(cell) == ["concerned-ministries"]


def test_empty_cell(gazetteer: Gazetteer) -> None:
    cell = parse_organizations("", gazetteer, POSITION)
    assert cell == OrganizationCell((), False, ())
