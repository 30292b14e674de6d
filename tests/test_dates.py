"""Years in two calendars: parsing, conversion and disagreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.normalise.dates import YearMention, era_to_western, find_years

SOURCE = Path(__file__).resolve().parents[1] / "data" / "editions" / "2023" / "000_12dec0b774bbd4f2.txt"


def test_era_to_western() -> None:
    assert era_to_western("令和", 1) == 2019
    assert era_to_western("令和", 5) == 2023
    assert era_to_western("平成", 1) == 1989
    assert era_to_western("平成", 31) == 2019
    assert era_to_western("昭和", 1) == 1926
    assert era_to_western("昭和", 63) == 1988
    with pytest.raises(ValueError, match="unknown era"):
        era_to_western("西暦", 1)


def test_western_then_era() -> None:
    (m,) = find_years("2023年度（令和5年度）末までに")
    assert m == YearMention(2023, "令和", 5, True, 0, 13, "2023年度（令和5年度）")
    assert m.year == 2023
    assert m.consistent


def test_era_then_western() -> None:
    (m,) = find_years("構築（令和8年度（2026年度））")
    assert (m.western, m.era, m.era_year, m.fiscal) == (2026, "令和", 8, True)
    assert (m.start, m.end, m.text) == (3, 16, "令和8年度（2026年度）")
    assert m.consistent


def test_calendar_year_and_gannen() -> None:
    (m,) = find_years("2019年（令和元年）にはG20大阪サミット")
    assert (m.western, m.era, m.era_year, m.fiscal, m.year) == (2019, "令和", 1, False, 2019)
    (h,) = find_years("2019年（平成31年）4月に策定")
    assert h.consistent and h.year == 2019


def test_lists_pair_by_position() -> None:
    found = find_years("API連携の検討（2021・2022年度（令和3・4年度））")
    assert [(m.western, m.era_year, m.year, m.consistent) for m in found] == [
        (2021, 3, 2021, True),
        (2022, 4, 2022, True),
    ]
    assert {m.text for m in found} == {"2021・2022年度（令和3・4年度）"}


def test_lists_of_unequal_length_are_not_paired() -> None:
    found = find_years("2021・2022年度（令和3年度）")
    assert [(m.western, m.era_year) for m in found] == [(2021, None), (2022, None), (None, 3)]


def test_disagreeing_forms_are_inconsistent() -> None:
    (m,) = find_years("2023年度（令和4年度）")
    assert not m.consistent
    assert m.year == 2023  # the Western form wins for .year; the mismatch is for the caller to report
    assert (m.western_text, m.japanese_text) == ("2023年度", "令和4年度")


def test_single_forms() -> None:
    (m,) = find_years("令和3年度学校における")
    assert (m.western, m.era, m.era_year, m.year, m.consistent) == (None, "令和", 3, 2021, True)
    (w,) = find_years("2025年度までに")
    assert (w.western, w.era, w.year, w.fiscal, w.text) == (2025, None, 2025, True, "2025年度")


def test_end_of_year_suffix() -> None:
    (m,) = find_years("2倍にする（2023年度末（令和5年度末））")
    assert m.text == "2023年度末（令和5年度末）" and m.year == 2023
    (alone,) = find_years("2023年度末までに")
    assert alone.text == "2023年度"  # a lone 末 is left to the caller


def test_fiscal_suffix_after_the_bracket() -> None:
    (m,) = find_years("2023年（令和5年）度においても")
    assert m.fiscal and m.text == "2023年（令和5年）度"


def test_out_of_range_era_year_is_still_read() -> None:
    (m,) = find_years("令和99年度")
    assert m.year == 2117


def test_durations_months_and_short_numbers_are_not_years() -> None:
    assert find_years("事業終了後3年を経過した日までに、6月末までに作成") == []
    assert find_years("約24,000局") == []


def test_a_circled_number_before_a_year_is_no_digit() -> None:
    (m,) = find_years("④2024年度（令和6年度）までに更改")  # '④'.isdigit() is True, but it is no decimal
    assert (m.western, m.era_year, m.start) == (2024, 6, 1)
    assert find_years("12023年度") == []


def test_full_width_digits() -> None:
    (m,) = find_years("２０２３年度（令和５年度）")
    assert m.year == 2023 and m.consistent


def test_every_year_in_the_real_file_agrees_with_itself() -> None:
    found = find_years(SOURCE.read_text(encoding="utf-8"))
    assert len(found) == 145
    assert all(m.consistent for m in found)
    assert sum(1 for m in found if m.western is not None and m.era is not None) == 144
