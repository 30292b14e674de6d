"""Bad input through `kg build`: a clear message with file, line and column, exit code 3, nothing written.

Exit codes (documented in the README): 0 built, 2 usage or configuration,
3 input errors (nothing written), 4 SHACL violations (nothing written).
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import _register, cli
from tests.paths import SEED, SEED_EDITION, SEED_GRAPH, pin

TEXT = SEED.read_text(encoding="utf-8")
LINES = TEXT.split("\n")
NAME = SEED.name


TOML = (SEED_EDITION / "edition.toml").read_text(encoding="utf-8")


def _data(tmp_path: Path, content: bytes, toml: str = TOML) -> Path:
    """A data folder whose 2023 edition holds ``content``, pinned by its digest."""
    d = tmp_path / "data" / "editions" / "2023"
    d.mkdir(parents=True)
    (d / "edition.toml").write_text(toml, encoding="utf-8")
    (d / NAME).write_bytes(content)
    pin(d)
    return tmp_path / "data"


def _build(tmp_path: Path, content: bytes, *extra: str, toml: str = TOML) -> tuple[Result, Path]:
    _register()
    out = tmp_path / "out"
    data = _data(tmp_path, content, toml)
    res = CliRunner().invoke(
        cli, ["build", "--no-validate", "--data-dir", str(data), "--out", str(out), *extra]
    )
    return res, out


def _lines(edit: Callable[[list[str]], None]) -> bytes:
    lines = list(LINES)
    edit(lines)
    return "\n".join(lines).encode("utf-8")


def _assert_refused(res: Result, out: Path, *fragments: str) -> None:
    assert res.exit_code == 3, res.output
    for fragment in fragments:
        assert fragment in res.stderr, (fragment, res.stderr)
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out")]


# -- accepted with a note ------------------------------------------------------------------


def test_cp932_is_detected(tmp_path: Path) -> None:
    res, out = _build(tmp_path, TEXT.replace("—", "―").encode("cp932"))
    assert res.exit_code == 0, res.output
    assert "read as cp932 [encoding-detected]" in res.stderr
    assert "48 measures" in res.stdout
    assert "民主主義的な価値に基づいた人間中心のAI原則の実践の支援" in (out / f"{SEED_GRAPH}.nt").read_text()


def test_shift_jis_with_explicit_encoding(tmp_path: Path) -> None:
    res, out = _build(tmp_path, TEXT.replace("—", "―").encode("cp932"), "--encoding", "cp932")
    assert res.exit_code == 0, res.output
    assert "encoding-detected" not in res.stderr
    assert (out / f"{SEED_GRAPH}.nt").is_file()


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    res, out = _build(tmp_path, codecs.BOM_UTF8 + TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert res.exit_code == 0, res.output
    assert "48 measures, 98 KPIs" in res.stdout
    assert "\r" not in (out / f"{SEED_GRAPH}.nt").read_text()


def test_script_in_a_cell_is_kept_as_text(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> None:
        cells = lines[4].split("\t")
        cells[1] += "<script>alert(1)</script>"
        lines[4] = "\t".join(cells)

    res, out = _build(tmp_path, _lines(edit))
    assert res.exit_code == 0, res.output
    assert f"{NAME}:5:2, column 施策名, measure 03-01" in res.stderr
    assert "[markup-kept-as-text]" in res.stderr
    nt = (out / f"{SEED_GRAPH}.nt").read_text()
    assert '"民主主義的な価値に基づいた人間中心のAI原則の実践の支援<script>alert(1)</script>"@ja' in nt
    jsonld = (out / "dataset.jsonld").read_text()
    assert "<script>alert(1)</script>" in jsonld  # a JSON string, not markup
    assert "markup-kept-as-text" in (out / "review.csv").read_text()


# -- refused ------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    res, out = _build(tmp_path, b"")
    _assert_refused(res, out, f"{NAME}: the file is empty")


def test_binary_file(tmp_path: Path) -> None:
    res, out = _build(tmp_path, bytes(range(256)) * 64)
    _assert_refused(res, out, f"{NAME}:1: the file is not a text table (it contains a NUL byte")


# -- issue 13, point 7: refused with the line, or read ------------------------------------------


def test_a_nul_byte_mid_file_is_refused_with_its_line(tmp_path: Path) -> None:
    res, out = _build(
        tmp_path, _lines(lambda lines: lines.__setitem__(20, lines[20][:5] + "\0" + lines[20][5:]))
    )
    _assert_refused(res, out, f"{NAME}:21: the file is not a text table (it contains a NUL byte)")


def test_invalid_utf8_mid_file_is_refused_with_its_line(tmp_path: Path) -> None:
    data = bytearray(_lines(lambda lines: None))
    at = data.index(b"06-22")  # line 35
    data[at:at] = b"\xff\xfe"
    res, out = _build(tmp_path, bytes(data))
    _assert_refused(res, out, f"{NAME}:35: cannot decode as utf-8 at byte {at} (invalid start byte)")


def test_utf16_with_a_bom_is_read(tmp_path: Path) -> None:
    res, _ = _build(tmp_path, TEXT.encode("utf-16"))
    assert res.exit_code == 0, res.output
    assert "read as utf-16" in res.stderr
    assert "edition 2023-06-09 (000_12dec0b774bbd4f2.txt): 48 measures" in res.stdout


def test_utf16_without_a_bom_is_refused_with_a_hint(tmp_path: Path) -> None:
    res, out = _build(tmp_path, TEXT.encode("utf-16-le"))
    _assert_refused(res, out, f"{NAME}:2: the file is not a text table", "try --encoding utf-16-le")
    res, out = _build(tmp_path / "again", TEXT.encode("utf-16-le"), "--encoding", "utf-16-le")
    assert res.exit_code == 0, res.output


def test_full_width_digits_in_a_measure_id_are_refused_by_the_reader(tmp_path: Path) -> None:
    """Caught only by SHACL before, so --no-validate (which _build uses) published ０６-２２."""
    res, out = _build(
        tmp_path, _lines(lambda lines: lines.__setitem__(34, lines[34].replace("06-22", "０６-２２", 1)))
    )
    _assert_refused(res, out, f"{NAME}:35:1, column 施策番号: malformed measure ID '０６-２２'")


def test_an_edition_folder_without_edition_toml_is_refused(tmp_path: Path) -> None:
    data = _data(tmp_path, TEXT.encode())
    (data / "editions" / "2024").mkdir()
    (data / "editions" / "2024" / "source.txt").write_text("…", encoding="utf-8")
    _register()
    args = ["build", "--no-validate", "--data-dir", str(data), "--out", str(tmp_path / "o")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 3, res.output
    assert f"{data / 'editions' / '2024'}: edition folder without edition.toml" in res.stderr


def test_an_edition_without_sha256_is_refused_with_the_digest_to_add(tmp_path: Path) -> None:
    """An unpinned source was built (issue 13 point 7): any file could stand behind the graph."""
    unpinned = "\n".join(line for line in TOML.splitlines() if not line.startswith("sha256 ="))
    data = _data(tmp_path, TEXT.encode(), unpinned)
    toml = data / "editions" / "2023" / "edition.toml"
    toml.write_text(unpinned, encoding="utf-8")
    _register()
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["build", "--data-dir", str(data), "--out", str(out)])
    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    assert res.exit_code == 3, res.output
    assert f"{toml}: records no sha256 of its source {NAME}" in res.stderr
    assert f'add the line: sha256 = "{digest}"' in res.stderr
    assert not out.exists()


def test_missing_header_row(tmp_path: Path) -> None:
    res, out = _build(tmp_path, _lines(lambda lines: lines.__delitem__(slice(10, 12))))
    _assert_refused(res, out, f"{NAME}:11: block starts without the header row", "[missing-header]")


def test_truncated_last_row(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> None:
        lines[72] = "\t".join(lines[72].split("\t")[:2])

    res, out = _build(tmp_path, _lines(edit))
    _assert_refused(
        res, out, f"{NAME}:73:2, column 施策名, measure 09-37: row has 2 cells", "[truncated-row]"
    )


def test_duplicate_measure_id(tmp_path: Path) -> None:
    res, out = _build(
        tmp_path, _lines(lambda lines: lines.__setitem__(5, lines[5].replace("03-02", "03-01", 1)))
    )
    _assert_refused(
        res,
        out,
        f"{NAME}:6:1, column 施策番号, measure 03-01: measure ID 03-01 appears again (first at line 5)",
    )


def test_malformed_measure_id(tmp_path: Path) -> None:
    res, out = _build(
        tmp_path, _lines(lambda lines: lines.__setitem__(4, lines[4].replace("03-01", "03-1a", 1)))
    )
    _assert_refused(res, out, f"{NAME}:5:1, column 施策番号: malformed measure ID '03-1a'")


def test_unknown_ministry(tmp_path: Path) -> None:
    res, out = _build(
        tmp_path, _lines(lambda lines: lines.__setitem__(4, lines[4].replace("経済産業省", "未来省")))
    )
    _assert_refused(
        res, out, f"{NAME}:5:32, column 府省庁名, measure 03-01", "未来省", "[unknown-organization]"
    )


def test_western_and_japanese_years_disagree(tmp_path: Path) -> None:
    res, out = _build(
        tmp_path,
        _lines(
            lambda lines: lines.__setitem__(
                5, lines[5].replace("2023年度（令和5年度）末", "2023年度（令和4年度）末")
            )
        ),
    )
    _assert_refused(res, out, f"{NAME}:6:3, column KPI, measure 03-02", "[calendar-mismatch]")


def test_unknown_article_label_in_header(tmp_path: Path) -> None:
    res, out = _build(tmp_path, _lines(lambda lines: lines.__setitem__(3, lines[3].replace("16条", "99条"))))
    _assert_refused(res, out, f"{NAME}:4:13", "unknown article column label '99条'")


def test_header_label_the_edition_does_not_list(tmp_path: Path) -> None:
    # The header prints 35条 but edition.toml's [table.articles] stops at 34条.
    toml = TOML.replace('"34条", "35条"]', '"34条"]')
    assert toml != TOML
    res, out = _build(tmp_path, TEXT.encode("utf-8"), toml=toml)
    _assert_refused(res, out, "unknown article column label '35条'")


def test_edition_toml_without_its_table(tmp_path: Path) -> None:
    toml = TOML[: TOML.index("[table]")]
    res, out = _build(tmp_path, TEXT.encode("utf-8"), toml=toml)
    _assert_refused(res, out, "edition.toml", "missing key(s): table")


def test_edition_toml_with_a_year_other_than_the_decision_date(tmp_path: Path) -> None:
    toml = TOML.replace("decided = 2023-06-09", "decided = 2023-06-09\nyear = 2022")
    res, out = _build(tmp_path, TEXT.encode("utf-8"), toml=toml)
    _assert_refused(res, out, "year 2022 is not the year of decided (2023-06-09)")


def test_edition_toml_naming_a_law_the_reference_lacks(tmp_path: Path) -> None:
    toml = TOML.replace("\n503AC0000000035 = [", "\n999AC0000000999 = [")
    assert toml != TOML
    res, out = _build(tmp_path, TEXT.encode("utf-8"), toml=toml)
    _assert_refused(res, out, "[table.articles] names a law the reference data lacks: 999AC0000000999")


def test_edition_toml_with_a_label_that_is_no_article(tmp_path: Path) -> None:
    toml = TOML.replace('"10条", ', '"第十条", ')
    assert toml != TOML
    res, out = _build(tmp_path, TEXT.encode("utf-8"), toml=toml)
    _assert_refused(res, out, "table.articles.428AC1000000103: '第十条' is not an article label")


def test_previous_output_survives_a_refused_build(tmp_path: Path) -> None:
    _register()
    out = tmp_path / "out"
    ok = CliRunner().invoke(cli, ["build", "--no-validate", "--out", str(out), "--formats", "nt"])
    assert ok.exit_code == 0
    before = (out / f"{SEED_GRAPH}.nt").read_bytes()
    data = _data(tmp_path, b"")
    res = CliRunner().invoke(cli, ["build", "--no-validate", "--data-dir", str(data), "--out", str(out)])
    assert res.exit_code == 3
    assert (out / f"{SEED_GRAPH}.nt").read_bytes() == before


@pytest.mark.parametrize(
    "bad", ["ftp://x/", "https://x.example", "https://exa mple.org/", "https://x.example/%zz/", "https://x.example:9x/"]
)
def test_bad_base_iri_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    _register()
    res = CliRunner().invoke(cli, ["build", "--no-validate", "--base-iri", bad, "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "base IRI" in res.stderr
    assert not (tmp_path / "o").exists()


def test_missing_data_folder(tmp_path: Path) -> None:
    _register()
    res = CliRunner().invoke(
        cli, ["build", "--no-validate", "--data-dir", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]
    )
    assert res.exit_code == 3 and "no editions folder" in res.stderr


def test_unknown_output_format_is_a_usage_error(tmp_path: Path) -> None:
    _register()
    args = ["build", "--no-validate", "--formats", "nt,xml", "--out", str(tmp_path / "o")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2 and "unknown output format(s) xml" in res.stderr
    assert not (tmp_path / "o").exists()
