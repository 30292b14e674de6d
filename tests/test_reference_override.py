"""A user's reference data (``<data_dir>/reference/*.csv``) replaces or extends the bundled one by key."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kg.config import load_settings
from kg.errors import InputError, Position
from kg.normalise.organizations import parse_organizations
from kg.records import MatchMethod
from kg.reference._csv import REFERENCE_DIR
from kg.reference.laws import Article, LawReference, load_laws
from kg.reference.organizations import COLUMNS, load_gazetteer
from tests.paths import ROOT

SOURCE = "https://example.org/source"
#: A body the bundled gazetteer does not have, under 経済産業省 (meti). Its kind must keep its
#: rule (KIND_RULES): it is no 庁, so not an agency; the gazetteer has no kind for an
#: incorporated administrative agency, and a user files it as an office with its host.
IPA = f"ipa,情報処理推進機構,Information-technology Promotion Agency,IPA,office,meti,IPA,,,{SOURCE},"
#: 総務省 (mic) with another English name and a new short form.
MIC = (
    'mic,総務省,"Ministry of Internal Affairs and Communications (renamed here)",MIC,ministry,,総務,,,'
    f"{SOURCE},"
)


def _user_dir(tmp_path: Path, **files: list[str]) -> Path:
    """``tmp_path/reference`` with one CSV per keyword (``organizations=[rows…]``), under its header."""
    headers = {"organizations": COLUMNS}
    folder = tmp_path / "reference"
    folder.mkdir(exist_ok=True)
    for name, rows in files.items():
        text = "\n".join([",".join(headers[name]), *rows]) + "\n"
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


# --- organisations ---------------------------------------------------------------------------------


def test_a_user_row_adds_an_organisation(tmp_path: Path) -> None:
    bundled = load_gazetteer()
    assert bundled.lookup("情報処理推進機構") is None
    gazetteer = load_gazetteer(_user_dir(tmp_path, organizations=[IPA]))
    assert len(gazetteer) == len(bundled) + 1
    found = gazetteer.lookup("情報処理推進機構")
    assert found is not None and found[0].id == "ipa" and found[1] is MatchMethod.EXACT
    assert [org.id for org in gazetteer][-1] == "ipa"  # a new key goes at the end
    assert gazetteer.lookup("経済産業省情報処理推進機構") is not None  # qualified by its parent's name


def test_an_added_organisation_matches_in_a_ministry_cell(tmp_path: Path) -> None:
    cell = "◎経済産業省・情報処理推進機構"
    before = parse_organizations(cell, load_gazetteer(), Position(line=1))
    assert [p.org_id for p in before.participations] == ["meti"]
    assert [f.code for f in before.findings] == ["unknown-organization"]
    gazetteer = load_gazetteer(_user_dir(tmp_path, organizations=[IPA]))
    after = parse_organizations(cell, gazetteer, Position(line=1))
    assert [(p.org_id, p.lead) for p in after.participations] == [("meti", True), ("ipa", False)]
    assert after.findings == ()


def test_a_user_row_replaces_the_bundled_one_in_its_place(tmp_path: Path) -> None:
    bundled = load_gazetteer()
    gazetteer = load_gazetteer(_user_dir(tmp_path, organizations=[MIC]))
    assert len(gazetteer) == len(bundled)
    assert [org.id for org in gazetteer] == [org.id for org in bundled]
    mic = gazetteer.get("mic")
    assert mic is not None and mic.name_en.endswith("(renamed here)")
    assert mic.corporate_number is None  # the whole row is replaced, not merged cell by cell
    found = gazetteer.lookup("総務")
    assert found is not None and found[0].id == "mic" and found[1] is MatchMethod.ALIAS
    fdma = gazetteer.get("fdma")  # children of the replaced row still find their parent
    assert fdma is not None and fdma.parent_id == "mic"


def test_a_bad_user_row_is_reported_in_the_users_file(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path, organizations=[IPA, MIC.replace(",ministry,", ",department,")])
    with pytest.raises(InputError) as caught:
        load_gazetteer(folder)
    error = caught.value
    assert error.position.file == str(folder / "organizations.csv")
    assert (error.position.line, error.position.column_name) == (3, "kind")
    assert f"{folder / 'organizations.csv'}:3" in str(error)


def test_a_user_name_that_clashes_with_a_bundled_one_is_reported_in_the_users_file(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path, organizations=[IPA.replace(",IPA,,,", ",IPA;経産省,,,")])
    with pytest.raises(InputError, match="duplicate name '経産省'") as caught:
        load_gazetteer(folder)
    assert caught.value.position.file == str(folder / "organizations.csv")
    assert caught.value.position.line == 2
    assert str(REFERENCE_DIR / "organizations.csv") in caught.value.message  # where the other one is


def test_a_user_row_with_an_unknown_parent_is_reported_in_the_users_file(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path, organizations=[IPA.replace(",meti,", ",nope,")])
    with pytest.raises(InputError, match="unknown parent_id 'nope'") as caught:
        load_gazetteer(folder)
    assert (caught.value.position.file, caught.value.position.line) == (str(folder / "organizations.csv"), 2)


def test_a_key_twice_in_the_users_file_is_an_error(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path, organizations=[MIC, MIC])
    with pytest.raises(InputError, match="duplicate id 'mic' \\(first at line 2\\)") as caught:
        load_gazetteer(folder)
    assert (caught.value.position.file, caught.value.position.line) == (str(folder / "organizations.csv"), 3)


def test_a_user_file_with_another_header_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "organizations.csv").write_text("id,name_ja\nipa,情報処理推進機構\n", encoding="utf-8")
    with pytest.raises(InputError, match="the header must be") as caught:
        load_gazetteer(folder)
    assert (caught.value.position.file, caught.value.position.line) == (str(folder / "organizations.csv"), 1)


def test_a_spreadsheet_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path, organizations=[IPA])
    path = folder / "organizations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_gazetteer(folder).get("ipa") is not None


def test_a_user_file_that_is_not_utf8_is_reported_by_line(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path, organizations=[IPA])
    path = folder / "organizations.csv"
    path.write_bytes(path.read_bytes() + MIC.encode("cp932") + b"\n")
    with pytest.raises(InputError, match="not UTF-8") as caught:
        load_gazetteer(folder)
    assert (caught.value.position.file, caught.value.position.line) == (str(path), 3)


def test_an_edited_user_file_is_read_again(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path, organizations=[IPA])
    assert load_gazetteer(folder).get("ipa") is not None
    assert load_gazetteer(folder) is load_gazetteer(folder)  # cached while the files are unchanged
    _user_dir(tmp_path, organizations=[MIC, IPA.replace("ipa,", "ipa2,", 1)])
    again = load_gazetteer(folder)
    assert again.get("ipa") is None and again.get("ipa2") is not None


def test_no_user_folder_or_files_is_the_bundled_data(tmp_path: Path) -> None:
    bundled = [org.id for org in load_gazetteer()]
    assert [org.id for org in load_gazetteer(tmp_path / "absent")] == bundled
    assert [org.id for org in load_gazetteer(_user_dir(tmp_path))] == bundled
    assert load_laws(tmp_path / "absent") == load_laws()


def test_the_bundled_folder_as_user_folder_is_harmless() -> None:
    """A checkout's ``data/reference`` is the bundled folder: read once, not merged with itself."""
    assert (ROOT / "data" / "reference").resolve() == REFERENCE_DIR.resolve()
    assert [o.id for o in load_gazetteer(ROOT / "data" / "reference")] == [o.id for o in load_gazetteer()]
    assert load_laws(ROOT / "data" / "reference") == load_laws()


def test_a_copy_of_the_bundled_files_as_user_files_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    assert list(load_gazetteer(folder)) == list(load_gazetteer())
    assert load_laws(folder) == load_laws()


# --- laws and articles -----------------------------------------------------------------------------
# User rows are made from bundled ones, so that they have whatever columns the bundled files have.

NEW_LAW_ID = "999AC0000000001"


def _bundled_rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _csv_dir(tmp_path: Path, **files: list[dict[str, str]]) -> Path:
    """``tmp_path/reference`` with one CSV per keyword, with the bundled file's header."""
    folder = tmp_path / "reference"
    folder.mkdir(exist_ok=True)
    for name, rows in files.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(_bundled_rows(name)[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _new_law(**changes: str) -> dict[str, str]:
    new = {"law_id": NEW_LAW_ID, "title_ja": "試験法", "title_en": "Test Act"}
    return {**_bundled_rows("laws")[0], **new, **changes}


def _new_article(**changes: str) -> dict[str, str]:
    return {**_bundled_rows("articles")[0], "law_id": NEW_LAW_ID, "heading_ja": "（目的）", **changes}


def _article(laws: LawReference, law_id: str, article: str) -> Article:
    [found] = [a for (law, key), a in laws.articles.items() if law == law_id and str(key) == article]
    return found


def test_a_user_law_and_article_are_added(tmp_path: Path) -> None:
    bundled = load_laws()
    laws = load_laws(_csv_dir(tmp_path, laws=[_new_law()], articles=[_new_article()]))
    assert laws.laws.keys() == bundled.laws.keys() | {NEW_LAW_ID}
    assert laws.laws[NEW_LAW_ID].title_en == "Test Act"
    assert _article(laws, NEW_LAW_ID, _new_article()["article"]).heading_ja == "（目的）"
    assert len(laws.articles) == len(bundled.articles) + 1
    assert list(laws.articles)[: len(bundled.articles)] == list(bundled.articles)


def test_a_user_law_and_article_replace_the_bundled_ones(tmp_path: Path) -> None:
    law = {**_bundled_rows("laws")[-1], "title_en": "Basic Act (another translation)"}
    [art_34] = [r for r in _bundled_rows("articles") if (r["law_id"], r["article"]) == (law["law_id"], "34")]
    assert art_34["heading_verified"] == "false"
    art_34 = {**art_34, "heading_ja": "（国際的な協調）", "heading_verified": "true"}
    bundled = load_laws()
    laws = load_laws(_csv_dir(tmp_path, laws=[law], articles=[art_34]))
    assert laws.laws[law["law_id"]].title_en == "Basic Act (another translation)"
    assert len(laws.laws) == len(bundled.laws)
    article = _article(laws, law["law_id"], "34")
    assert article.heading_verified and article.heading_ja == "（国際的な協調）"
    assert list(laws.articles) == list(bundled.articles)


def test_a_user_article_of_an_unknown_law_is_reported_in_the_users_file(tmp_path: Path) -> None:
    folder = _csv_dir(tmp_path, articles=[_bundled_rows("articles")[0], _new_article()])  # no user laws.csv
    with pytest.raises(InputError, match=f"unknown law_id '{NEW_LAW_ID}'") as caught:
        load_laws(folder)
    assert (caught.value.position.file, caught.value.position.line) == (str(folder / "articles.csv"), 3)


@pytest.mark.parametrize(
    ("file", "row", "message"),
    [
        ("laws", _new_law(promulgated="2099-13-01"), "bad date"),
        ("articles", _new_article(heading_verified="yes"), "heading_verified"),
        ("articles", _new_article(sources=""), "needs a source"),
        ("articles", _new_article(chapter="four"), "four"),
    ],
    ids=["law-date", "article-verified", "article-source", "article-chapter"],
)
def test_a_bad_user_law_or_article_row_names_its_file_and_line(
    tmp_path: Path, file: str, row: dict[str, str], message: str
) -> None:
    other = "999AC0000000002"
    rows = {
        "laws": [_new_law(), _new_law(law_id=other)],
        "articles": [_new_article(law_id=other)],
    }
    rows[file] = [rows[file][-1], row]
    folder = _csv_dir(tmp_path, **rows)
    with pytest.raises(InputError, match=message) as caught:
        load_laws(folder)
    assert (caught.value.position.file, caught.value.position.line) == (str(folder / f"{file}.csv"), 3)


def test_a_user_laws_file_without_a_column_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "laws.csv").write_text(f"law_id,title_ja\n{NEW_LAW_ID},試験法\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column") as caught:
        load_laws(folder)
    assert (caught.value.position.file, caught.value.position.line) == (str(folder / "laws.csv"), 1)


# --- through the build -----------------------------------------------------------------------------


def test_the_build_uses_the_data_folders_reference(tmp_path: Path) -> None:
    from kg.build.pipeline import build

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "editions", data / "editions")
    _user_dir(data, organizations=[MIC, IPA])
    _csv_dir(data, laws=[_new_law()], articles=[_new_article()])
    settings = load_settings(ROOT).with_overrides(data_dir=data)
    result = build(settings, out_dir=tmp_path / "out", formats=("nt",))
    assert result.written, [str(f) for f in result.report.errors]
    reference = (tmp_path / "out" / "reference.nt").read_text(encoding="utf-8")
    assert '"Ministry of Internal Affairs and Communications (renamed here)"@en' in reference
    assert '"Information-technology Promotion Agency"@en' in reference
    assert f"/law/{NEW_LAW_ID}>" in reference
