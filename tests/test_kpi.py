"""KPI cells of the real 2023 edition, and synthetic cells for the edge rules."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from kg.errors import Position
from kg.findings import Severity
from kg.normalise.kpi import kpis_from_items, parse_kpis
from kg.records import Change, Comparator, Figure, FigureKind, Kpi, SplitMethod, Target

SOURCE = Path(__file__).resolve().parents[1] / "data" / "editions" / "2023" / "000_12dec0b774bbd4f2.txt"
HERE = Position(file="t.txt", line=1, column=3, column_name="KPI")


@cache
def _rows() -> dict[str, tuple[int, str]]:
    """measure ID → (line, KPI cell) of the real file (column 3, 0-based index 2)."""
    rows = {}
    for number, line in enumerate(SOURCE.read_text(encoding="utf-8").splitlines(), start=1):
        cells = line.split("\t")
        if len(cells) > 3 and len(cells[0]) == 5 and cells[0][2] == "-" and cells[0][:2].isdigit():
            rows[cells[0]] = (number, cells[2])
    return rows


def _parse(measure_id: str) -> tuple[list[Kpi], list[str]]:
    line, raw = _rows()[measure_id]
    kpis, findings = parse_kpis(raw, Position(file=SOURCE.name, line=line, column=3, measure_id=measure_id))
    return kpis, [f.code for f in findings]


def _texts(measure_id: str) -> list[str]:
    return [k.text for k in _parse(measure_id)[0]]


# -- acceptance: counts and item texts of the real file --------------------------------------


def test_the_real_file_has_48_measures() -> None:
    assert len(_rows()) == 48


@pytest.mark.parametrize(
    ("measure_id", "count"),
    [
        ("03-01", 0),
        ("04-01", 2),
        ("04-02", 4),
        ("06-18", 2),
        ("06-23", 6),
        ("08-04", 4),
        ("09-36", 8),
        ("04-04", 0),
        ("08-02", 0),
        ("06-11", 1),
        ("06-12", 1),
        ("08-06", 1),
        ("06-28", 3),
    ],
)
def test_kpi_counts(measure_id: str, count: int) -> None:
    assert len(_parse(measure_id)[0]) == count


def test_04_01_splits_at_the_space_between_two_sentences() -> None:
    kpis, codes = _parse("04-01")
    assert [k.text for k in kpis] == [
        "Trusted Web共同開発支援事業（2022年度（令和4年度）補正予算）における実証件数",
        "様々な産業分野におけるユースケースの創出と、国際標準化に向けた検討の推進",
    ]
    assert [k.split for k in kpis] == [SplitMethod.SPACE, SplitMethod.SPACE]
    assert [k.order for k in kpis] == [1, 2]
    assert codes == ["kpi-space-split"]
    assert kpis[0].deadline_fiscal_year is None  # 補正予算 dates the budget, not a deadline


def test_06_18_item_texts() -> None:
    assert _texts("06-18") == [
        "情報伝達手段を多重化した地方公共団体数",
        "地理的な制約、年齢、身体的な条件等にかかわらず、全ての住民の迅速かつ確実な避難の実施",
    ]


def test_08_04_circled_items_keep_their_bracketed_notes() -> None:
    kpis, codes = _parse("08-04")
    assert [k.text for k in kpis] == [
        "①地域の産学官金の関係者が一体となった支援コミュニティ拠点数 （2023年度（令和5年度）見込：11拠点）",
        "②地域企業の新たなビジネスモデル構築を目指したプロジェクト （2023年度（令和5年度）見込：12件）",
        "①事業年度から、その3年後までの間において、支援コミュニティの活動地域における"
        "「地域未来牽引企業と地域未来投資促進法に基づく承認地域経済牽引事業者」からなる企業群の労働生産性"
        " （2026年度（令和8年度）までに6%以上増加）",
        "②事業終了後3年を経過した日までに、実証事業のうち、対象となる新事業に係る売上計上を予定する事業の割合"
        " （2026年度（令和8年度）までに50%以上）",
    ]
    assert all(k.split is SplitMethod.CIRCLED for k in kpis)
    assert codes == []  # no space split: the space before （ is never a boundary
    # KPIs 1 and 2 give a 2023 projection (見込), neither a target nor a deadline.
    assert [k.deadline_fiscal_year for k in kpis] == [None, None, 2026, 2026]
    assert kpis[0].target is None and kpis[1].target is None
    assert kpis[0].figures == (
        Figure(FigureKind.PROJECTION, Decimal(11), "拠点", Comparator.EXACTLY, "11拠点", 2023),
    )
    assert kpis[1].figures == (
        Figure(FigureKind.PROJECTION, Decimal(12), "件", Comparator.EXACTLY, "12件", 2023),
    )
    # KPI 3 aims at an increase of at least 6 %, not a level of 6 %.
    assert kpis[2].target == Target(Decimal(6), "%", Comparator.AT_LEAST, "6%以上増加", Change.INCREASE)
    assert kpis[3].target == Target(Decimal(50), "%", Comparator.AT_LEAST, "50%以上")
    assert kpis[2].deadline_text == "2026年度（令和8年度）までに"


def test_06_23_list_without_bullets_splits_into_six() -> None:
    kpis, codes = _parse("06-23")
    assert [k.text for k in kpis][3:5] == [
        "消防庁と地方公共団体との映像共有手段の構築",
        "AIを活用した救急隊運用最適化システムによる現場到着距離の短縮率",
    ]
    assert all(k.split is SplitMethod.SPACE for k in kpis)
    assert codes == ["kpi-space-split"]
    assert kpis[5].target == Target(Decimal(1), "件", Comparator.AT_LEAST, "1件以上")


def test_06_14_keeps_jp_pint_whole() -> None:
    kpis, codes = _parse("06-14")
    assert len(kpis) == 3
    assert kpis[0].text == (
        "JP PINT（日本の電子インボイスの標準仕様）について、Standard Invoice JP PINTのほか、"
        "JP BIS Self-Billing Invoice及びJP BIS non-tax Invoiceの2仕様の策定"
    )
    assert all(k.split is SplitMethod.BULLET for k in kpis)
    assert codes == []


def test_04_07_keeps_pds_whole() -> None:
    kpis, codes = _parse("04-07")
    assert len(kpis) == 2
    assert kpis[1].text.startswith("PDS（Personal Data Store）、情報銀行等の個人の関与の下で")
    assert kpis[0].text.endswith("（2023年度（令和5年度）を目的）")
    assert [k.deadline_fiscal_year for k in kpis] == [2023, 2025]
    assert codes == ["kpi-space-split"]


def test_a_note_label_does_not_start_a_new_kpi() -> None:
    kpis, codes = _parse("06-11")
    assert [k.text for k in kpis] == [
        "ガバメントクラウド上で提供される、データを利活用したモビリティサービス数"
        " KPIの設定時期：2023年度（令和5年度）末"
    ]
    assert kpis[0].split is SplitMethod.WHOLE
    assert kpis[0].deadline_fiscal_year is None  # when the KPI will be set, not when it is due
    assert codes == []


def test_space_split_finding_per_cell() -> None:
    line, raw = _rows()["06-23"]
    where = Position(file=SOURCE.name, line=line, column=3, measure_id="06-23")
    kpis, findings = parse_kpis(raw, where)
    (found,) = findings
    assert found.code == "kpi-space-split" and found.severity is Severity.WARNING
    assert found.message == "KPI cell split at a space into 6 items"
    assert found.raw == raw
    assert found.inferred == " | ".join(k.text for k in kpis)
    assert found.position == where


def test_every_split_in_the_real_file_is_reported_once_per_cell() -> None:
    for measure_id in _rows():
        kpis, codes = _parse(measure_id)
        spaced = any(k.split is SplitMethod.SPACE for k in kpis)
        assert codes.count("kpi-space-split") == (1 if spaced else 0), measure_id
        assert [k.order for k in kpis] == list(range(1, len(kpis) + 1))
        assert set(codes) <= {"kpi-space-split"}, measure_id  # the real file has no year errors


# -- deadlines and targets on real items ------------------------------------------------------


def test_03_02_deadline_and_target() -> None:
    (kpi,), codes = _parse("03-02")
    assert kpi.split is SplitMethod.WHOLE
    assert kpi.deadline_fiscal_year == 2023
    assert kpi.deadline_text == "2023年度（令和5年度）末までに"
    assert kpi.target == Target(Decimal(10), "件", Comparator.EXACTLY, "10件")
    assert kpi.text.startswith("「AI・データの利用に関する契約ガイドライン」")  # full text kept
    assert codes == []


def test_09_35_items() -> None:
    kpis, _ = _parse("09-35")
    assert [k.deadline_fiscal_year for k in kpis] == [None, None, 2025, 2024]  # two deadlines: ambiguous
    assert kpis[2].target == Target(Decimal(1_000_000), "件/年", Comparator.APPROXIMATELY, "約100万件/年")
    assert kpis[3].target == Target(Decimal(40), "件", Comparator.AT_LEAST, "40件以上")


def test_09_37_year_and_figure_in_one_bracket() -> None:
    kpis, _ = _parse("09-37")
    assert kpis[0].deadline_fiscal_year == 2030
    assert kpis[0].target == Target(Decimal(19000), "人", Comparator.EXACTLY, "19,000人")
    assert kpis[1].target is None and kpis[1].deadline_fiscal_year is None


def test_09_36_era_first_year_alone_in_a_bracket() -> None:
    kpis, _ = _parse("09-36")
    assert kpis[4].text == "全国的な研究データ基盤の構築（令和8年度（2026年度））"
    assert (kpis[4].deadline_fiscal_year, kpis[4].deadline_text) == (2026, "令和8年度（2026年度）")
    assert [k.deadline_fiscal_year for i, k in enumerate(kpis) if i != 4] == [None] * 7


def test_reference_figures_are_no_targets() -> None:
    kpis, _ = _parse("04-02")
    assert [k.target for k in kpis] == [None] * 4
    assert [k.deadline_fiscal_year for k in kpis] == [None] * 4


def test_06_27_baseline_is_no_target_but_the_goal_is() -> None:
    kpis, _ = _parse("06-27")
    assert kpis[0].target is None  # 36.1%（…現在）〔確定値〕 is the current value
    assert kpis[1].target == Target(Decimal(100), "%", Comparator.EXACTLY, "100%")
    assert kpis[1].deadline_fiscal_year == 2024


def test_rates_and_ranges() -> None:
    kpis, _ = _parse("06-28")
    assert kpis[1].target == Target(Decimal(10000), "件/月", Comparator.EXACTLY, "1か月当たり平均10,000件")
    (eight,), _ = _parse("08-06")
    assert eight.deadline_fiscal_year == 2023 and eight.target is None  # 5～10件 is a range
    nine, _ = _parse("09-30")
    assert nine[0].target == Target(Decimal(90), "%", Comparator.AT_LEAST, "年間90%以上")
    assert nine[1].target == Target(Decimal(250), "件/年", Comparator.AT_LEAST, "年間250件以上")


def test_years_that_date_something_else_are_no_deadlines() -> None:
    for measure_id in ("07-07", "09-28", "09-32", "06-16", "06-13", "04-06"):
        assert all(k.deadline_fiscal_year is None for k in _parse(measure_id)[0]), measure_id
    # a calendar year is not converted into a fiscal year
    assert _parse("06-20")[0][1].deadline_fiscal_year is None


# -- synthetic cells -------------------------------------------------------------------------------


def _one(raw: str) -> Kpi:
    (kpi,), _ = parse_kpis(raw, HERE)
    return kpi


@pytest.mark.parametrize("raw", ["", "—", "-", "－", "  ", '<ul style="list-style-type: none"> </ul>'])
def test_no_kpi(raw: str) -> None:
    assert parse_kpis(raw, HERE) == ([], [])


@pytest.mark.parametrize(
    ("raw", "year", "phrase"),
    [
        ("2025年度までに導入率を上げる", 2025, "2025年度までに"),
        ("2023年度末に全国展開", 2023, "2023年度末"),
        ("（2023年度（令和5年度）末までに講演等10件）", 2023, "2023年度（令和5年度）末までに"),
        ("認定件数の増加（令和8年度（2026年度）目標）", 2026, "令和8年度（2026年度）目標"),
        ("基盤の構築（令和8年度（2026年度））", 2026, "令和8年度（2026年度）"),
        ("運用開始（2024年度中）", 2024, "2024年度中"),
        ("整備率を2024年度に100%とする", 2024, "2024年度"),
        ("利用者数（2030年度 19,000人）", 2030, "2030年度"),
    ],
)
def test_deadlines(raw: str, year: int, phrase: str) -> None:
    kpi = _one(raw)
    assert (kpi.deadline_fiscal_year, kpi.deadline_text) == (year, phrase)


@pytest.mark.parametrize(
    "raw",
    [
        "2023年度までに試行し、2025年度までに本格運用",  # two deadlines
        "実証（2021・2022年度（令和3・4年度））",  # two years
        "2022年度（令和4年度）補正予算による実証件数",  # a budget year
        "2024年度までの研究成果を踏まえ改定",  # まで の: not a deadline
        "2022年度末時点の件数",  # a status date
        "2025年（令和7年）までに100",  # a calendar year
        "件数（参考：2025年度までに100件）",  # a reference figure
    ],
)
def test_no_deadline(raw: str) -> None:
    kpi = _one(raw)
    assert (kpi.deadline_fiscal_year, kpi.deadline_text) == (None, None)


@pytest.mark.parametrize(
    ("raw", "target"),
    [
        ("講演等10件", Target(Decimal(10), "件", Comparator.EXACTLY, "10件")),
        ("普及率100%", Target(Decimal(100), "%", Comparator.EXACTLY, "100%")),
        ("普及率100％を目指す", Target(Decimal(100), "%", Comparator.EXACTLY, "100％")),
        ("利用者19,000人", Target(Decimal(19000), "人", Comparator.EXACTLY, "19,000人")),
        ("生産性を6%以上増加", Target(Decimal(6), "%", Comparator.AT_LEAST, "6%以上増加", Change.INCREASE)),
        ("処理時間を30%削減", Target(Decimal(30), "%", Comparator.EXACTLY, "30%削減", Change.DECREASE)),
        (
            "利用件数を2020年度比で2倍以上",
            Target(Decimal(2), "倍", Comparator.AT_LEAST, "2倍以上", Change.MULTIPLE, "2020年度比"),
        ),
        (
            "2019年度と比べて事務コストを約20%減少",
            Target(
                Decimal(20), "%", Comparator.APPROXIMATELY, "約20%減少", Change.DECREASE, "2019年度と比べて"
            ),
        ),
        ("件数を約100万件/年", Target(Decimal(1_000_000), "件/年", Comparator.APPROXIMATELY, "約100万件/年")),
        ("待ち時間を5回以下", Target(Decimal(5), "回", Comparator.AT_MOST, "5回以下")),
        ("10団体超", Target(Decimal(10), "団体", Comparator.MORE_THAN, "10団体超")),
        ("誤り率1.5%未満", Target(Decimal("1.5"), "%", Comparator.LESS_THAN, "1.5%未満")),
        ("補助事業数（年15件）", Target(Decimal(15), "件/年", Comparator.EXACTLY, "年15件")),
        ("累計1.5万件", Target(Decimal(15000), "件", Comparator.EXACTLY, "1.5万件")),
    ],
)
def test_targets(raw: str, target: Target) -> None:
    assert _one(raw).target == target


@pytest.mark.parametrize(
    "raw",
    [
        "累計1,000件、回答数を累計1万件",  # two quantities
        "先進事例創出数（5～10件）",  # a range
        "100量子ビットのコンピュータ",  # no counting unit
        "研修の件数（参考：2022年度234件）",  # a reference figure
        "2023年度までに整備",  # a year is not a quantity
        "事業終了後3年を経過した日までに",  # nor a duration
        "1人1人1端末環境の整備",  # 1人 twice
        "第2回会合の開催",  # an ordinal
    ],
)
def test_no_target(raw: str) -> None:
    assert _one(raw).target is None


@pytest.mark.parametrize(
    ("raw", "figure"),
    [
        (
            "拠点数（2024年度見込：15拠点）",
            Figure(FigureKind.PROJECTION, Decimal(15), "拠点", Comparator.EXACTLY, "15拠点", 2024),
        ),
        (
            "研修の件数（参考：2022年度234件）",
            Figure(FigureKind.REFERENCE, Decimal(234), "件", Comparator.EXACTLY, "234件", 2022),
        ),
        (
            "普及率36.1%（2023年3月末時点）",
            Figure(FigureKind.ACTUAL, Decimal("36.1"), "%", Comparator.EXACTLY, "36.1%", None),
        ),
        (
            "団体数120団体（2022年度実績）",
            Figure(FigureKind.ACTUAL, Decimal(120), "団体", Comparator.EXACTLY, "120団体", None),
        ),
    ],
)
def test_figures_that_are_no_targets_are_kept_as_what_they_are(raw: str, figure: Figure) -> None:
    kpi = _one(raw)
    assert kpi.target is None
    assert kpi.figures == (figure,)


def test_figures_and_changes_of_the_extract() -> None:
    """Each form as the extract writes it: 参考 (04-02), 現在/確定値 (06-27), 見込 (08-04), 倍, 増加."""
    ref, _ = _parse("04-02")
    assert [(f.kind, f.value, f.fiscal_year) for f in ref[0].figures] == [
        (FigureKind.REFERENCE, Decimal(234), 2022),
        (FigureKind.REFERENCE, Decimal(250), 2023),
    ]
    actual, _ = _parse("06-27")
    assert [(f.kind, f.text) for f in actual[0].figures] == [(FigureKind.ACTUAL, "36.1%")]
    (twice, _), _ = _parse("04-03")
    assert twice.target == Target(
        Decimal(2),
        "倍",
        Comparator.EXACTLY,
        "2倍",
        Change.MULTIPLE,
        "試行時点（2020年度（令和2年度））と比べ",
    )
    assert twice.deadline_fiscal_year == 2023
    projected, _ = _parse("08-04")
    assert [f.kind for k in projected[:2] for f in k.figures] == [FigureKind.PROJECTION] * 2
    assert projected[2].target is not None and projected[2].target.change is Change.INCREASE


def test_a_projection_beside_a_target_leaves_the_target() -> None:
    kpi = _one("2025年度までに30拠点（2023年度見込：11拠点）")
    assert kpi.target == Target(Decimal(30), "拠点", Comparator.EXACTLY, "30拠点")
    assert (kpi.deadline_fiscal_year, [f.kind for f in kpi.figures]) == (2025, [FigureKind.PROJECTION])


@pytest.mark.parametrize(
    ("raw", "target", "deadline", "actual"),
    [
        # The bracket states an actual figure of its own: 100 stays the target (was read the other
        # way round: target 120, and 100 as the actual value of FY2024).
        ("2024年度までに100件（2024年度実績：120件）", Decimal(100), 2024, (Decimal(120), 2024)),
        ("2025年度までに100件（2022年度実績：20件）", Decimal(100), 2025, (Decimal(20), 2022)),
        ("2025年度までに50件（2022年度末時点：10件）", Decimal(50), 2025, (Decimal(10), 2022)),
        ("2024年度実績：120件", None, None, (Decimal(120), 2024)),  # an actual value, nothing aimed at
    ],
)
def test_an_actual_figure_labelled_as_such_is_no_target(
    raw: str, target: Decimal | None, deadline: int | None, actual: tuple[Decimal, int]
) -> None:
    kpi = _one(raw)
    assert (kpi.target.value if kpi.target else None, kpi.deadline_fiscal_year) == (target, deadline)
    assert [(f.kind, f.value, f.fiscal_year) for f in kpi.figures] == [(FigureKind.ACTUAL, *actual)]


def test_calendar_mismatch_is_an_error() -> None:
    raw = "2023年度（令和4年度）末までに10件"
    kpis, findings = parse_kpis(raw, HERE)
    (found,) = findings
    assert found.code == "calendar-mismatch" and found.severity is Severity.ERROR
    assert found.message == "2023年度 and 令和4年度 name different years"
    assert found.raw == raw and found.position == HERE
    assert kpis[0].deadline_fiscal_year is None  # the deadline cannot be trusted
    assert kpis[0].target == Target(Decimal(10), "件", Comparator.EXACTLY, "10件")


def test_bad_fiscal_year_is_an_error() -> None:
    kpis, findings = parse_kpis("令和99年度までに100件", HERE)
    (found,) = findings
    assert found.code == "bad-fiscal-year" and found.severity is Severity.ERROR
    assert found.message == "'令和99年度' is not a plausible fiscal year"
    assert found.inferred == "2117"
    assert kpis[0].deadline_fiscal_year is None


def test_western_fiscal_year_outside_the_range() -> None:
    codes = [f.code for f in parse_kpis("1950年度から2101年度までに", HERE)[1]]
    assert codes == ["bad-fiscal-year", "bad-fiscal-year"]
    assert [f.code for f in parse_kpis("1989年度から2100年度までに", HERE)[1]] == []


def test_calendar_years_outside_the_range_are_not_fiscal_errors() -> None:
    assert parse_kpis("1988年（昭和63年）から導入", HERE)[1] == []


def test_space_split_rules_on_synthetic_cells() -> None:
    # splits: kanji|Latin, ）|Latin; no split before （, inside brackets, between Latin words, after 、
    kpis, findings = parse_kpis("データ連携の推進 AIの活用 （2025年度 までに） JP PINT対応、 標準化", HERE)
    assert [k.text for k in kpis] == [
        "データ連携の推進",
        "AIの活用 （2025年度 までに）",
        "JP PINT対応、 標準化",
    ]
    assert [f.code for f in findings] == ["kpi-space-split"]
    assert findings[0].inferred == "データ連携の推進 | AIの活用 （2025年度 までに） | JP PINT対応、 標準化"
    assert kpis[1].deadline_fiscal_year == 2025


def test_split_items_from_bullets_are_split_again_at_spaces() -> None:
    kpis, findings = parse_kpis("・一つ目の指標 二つ目の指標 ・三つ目", HERE)
    assert [(k.text, k.split) for k in kpis] == [
        ("一つ目の指標", SplitMethod.SPACE),
        ("二つ目の指標", SplitMethod.SPACE),
        ("三つ目", SplitMethod.BULLET),
    ]
    assert findings[0].message == "KPI cell split at a space into 3 items"


def test_text_is_not_nfkc_folded() -> None:
    kpi = _one("整備率：１００％（２０２４年度）")
    assert kpi.text == "整備率：１００％（２０２４年度）"
    assert kpi.deadline_fiscal_year == 2024
    assert kpi.target == Target(Decimal(100), "%", Comparator.EXACTLY, "１００％")


def test_script_in_a_kpi_cell_is_text() -> None:
    assert _one("<script>alert(1)</script>").text == "<script>alert(1)</script>"


def test_kpis_from_items_reads_given_items_without_splitting() -> None:
    items = [
        ("データ連携の推進 AIの活用（2025年度までに10件）", SplitMethod.WHOLE),
        ("2023年度（令和4年度）", SplitMethod.WHOLE),
    ]
    kpis, findings = kpis_from_items(items, "curated cell", HERE)
    assert [k.text for k in kpis] == [t for t, _ in items]
    assert [k.order for k in kpis] == [1, 2]
    assert kpis[0].deadline_fiscal_year == 2025
    assert kpis[0].target == Target(Decimal(10), "件", Comparator.EXACTLY, "10件")
    assert [(f.code, f.raw) for f in findings] == [("calendar-mismatch", "curated cell")]
