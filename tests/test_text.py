"""Cell text: HTML fragments, bullets, whitespace, and what must never be lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kg.normalise.text import cell_items, cell_text, match_key
from kg.records import SplitMethod

SOURCE = Path(__file__).resolve().parents[1] / "data" / "editions" / "2023" / "000_12dec0b774bbd4f2.txt"
UL = '<ul style="list-style-type: none">'


def _rows() -> list[list[str]]:
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    return [
        cells for cells in (line.split("\t") for line in lines) if len(cells) > 3 and cells[0][:2].isdigit()
    ]


def _cells(measure_id: str) -> list[str]:
    for cells in _rows():
        if cells[0] == measure_id:
            return cells
    raise LookupError(measure_id)


# -- markup ------------------------------------------------------------------------------


def test_script_is_kept_literally_as_text() -> None:
    assert cell_text("<script>alert(1)</script>") == "<script>alert(1)</script>"
    assert cell_items(f"{UL} ・a ・<script>alert(1)</script> b") == [
        ("a", SplitMethod.BULLET),
        ("<script>alert(1)</script> b", SplitMethod.BULLET),
    ]


def test_unknown_tags_and_attributes_survive() -> None:
    assert cell_text("x <b>y</b> z") == "x <b>y</b> z"
    assert cell_text('<img src="a.png">after') == '<img src="a.png">after'
    assert cell_text("<foo bar='1'>t</foo>") == '<foo bar="1">t</foo>'


def test_angle_brackets_in_text_are_not_markup() -> None:
    assert cell_text("a < b かつ x<5") == "a < b かつ x<5"
    assert cell_text("コスト<ベネフィット") == "コスト<ベネフィット"


def test_entities_are_decoded_and_unknown_ones_kept() -> None:
    assert cell_text("R&D &amp; &lt;x&gt;") == "R&D & <x>"
    assert cell_text("a&nbsp;&nbsp; b") == "a b"


def test_structural_tags_are_item_boundaries() -> None:
    assert cell_items("<ul><li>一</li><li>二</li></ul>") == [
        ("一", SplitMethod.LIST_ITEM),
        ("二", SplitMethod.LIST_ITEM),
    ]
    assert cell_items("<p>一</p> <p>二</p><div>三</div>") == [
        ("一", SplitMethod.LIST_ITEM),
        ("二", SplitMethod.LIST_ITEM),
        ("三", SplitMethod.LIST_ITEM),
    ]
    assert cell_text("上<br>下") == "上\n下"
    assert cell_text("<span>左</span><span>右</span>") == "左 右"


def test_a_single_item_is_whole_even_inside_markup() -> None:
    assert cell_items(f"{UL} 一つだけの指標 </ul>") == [("一つだけの指標", SplitMethod.WHOLE)]
    assert cell_items("<ul><li>一</li></ul>") == [("一", SplitMethod.WHOLE)]


def test_an_unclosed_list_does_not_leak_into_the_next_cell() -> None:
    assert cell_items("<ul><li>a<li><script>x") == [
        ("a", SplitMethod.LIST_ITEM),
        ("<script>x</script>", SplitMethod.LIST_ITEM),
    ]
    assert cell_items("b<br>c") == [("b", SplitMethod.LIST_ITEM), ("c", SplitMethod.LIST_ITEM)]
    assert cell_text("&amp;") == "&"


def test_cells_parse_alike_in_several_threads() -> None:
    cells = [row[3] for row in _rows()] * 20
    expected = [cell_items(c) for c in cells]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(cell_items, cells)) == expected


def test_nested_lists_from_the_real_description() -> None:
    # 06-23's description nests a <ul> of ①② inside a <ul> of ・ bullets.
    items = cell_items(_cells("06-23")[3])
    texts = [t for t, _ in items]
    assert texts[0] == "消防防災分野において、"
    assert texts[3] == "①消防指令システムと外部システムとの連携のため標準仕様を策定。"
    assert items[3][1] is SplitMethod.CIRCLED
    assert texts[4].startswith("②消防業務システムのクラウド化")
    assert items[1] == (
        "マイナンバーカードを活用した救急業務の迅速化・円滑化について、全国展開を目指す（2024年度（令和6年度）以降）。",
        SplitMethod.BULLET,
    )
    assert all("<" not in t for t in texts)


def test_paragraph_description_with_dash_bullets() -> None:
    text = cell_text(_cells("04-05")[3])
    lines = text.split("\n")
    assert len(lines) == 4
    assert lines[0].startswith("デジタル庁は、データカタログサイトを")
    assert lines[3] == "これにより、国民・企業・行政機関等における積極的なオープンデータの活用を促進する。"


# -- bullets -------------------------------------------------------------------------------


def test_bullets_split_only_at_item_start() -> None:
    assert cell_items("・AI・データの利用 ・その他") == [
        ("AI・データの利用", SplitMethod.BULLET),
        ("その他", SplitMethod.BULLET),
    ]
    # a hyphen without a following space, or inside a word, is no bullet
    assert cell_items("「遠隔医療モデル参考書-オンライン診療版-」を改訂") == [
        ("「遠隔医療モデル参考書-オンライン診療版-」を改訂", SplitMethod.WHOLE)
    ]
    assert cell_items("- 一 - 二") == [("一", SplitMethod.BULLET), ("二", SplitMethod.BULLET)]


def test_text_before_the_first_bullet_is_an_item() -> None:
    assert cell_items("前置き ・一 ・二") == [
        ("前置き", SplitMethod.BULLET),
        ("一", SplitMethod.BULLET),
        ("二", SplitMethod.BULLET),
    ]


def test_circled_numbers_split_and_are_kept() -> None:
    assert cell_items("①一 ②二 ⑳二十") == [
        ("①一", SplitMethod.CIRCLED),
        ("②二", SplitMethod.CIRCLED),
        ("⑳二十", SplitMethod.CIRCLED),
    ]
    # inside a sentence (no whitespace before it) a circled number is a reference, not an item
    assert cell_items("本事業では、①地域ぐるみで支援し、②実証する") == [
        ("本事業では、①地域ぐるみで支援し、②実証する", SplitMethod.WHOLE)
    ]


@pytest.mark.parametrize("raw", ["", "   ", "—", "-", "－", " — ", "<p>—</p>", f"{UL} </ul>"])
def test_empty_cells_have_no_items(raw: str) -> None:
    assert cell_items(raw) == []
    assert cell_text(raw) == ""


# -- whitespace and punctuation --------------------------------------------------------------


def test_whitespace_is_tidied() -> None:
    assert cell_text("  一\t\t二 \n 三  ") == "一 二 三"


def test_japanese_punctuation_is_kept_as_written() -> None:
    raw = "整備率：36.1％（令和3年度）〔確定値〕　ＡＢＣ"
    assert cell_text(raw) == raw  # no NFKC: full-width forms and the ideographic space survive


def test_match_key_folds_width_and_drops_spaces() -> None:
    assert match_key("ＪＰ　PINT （日本） ") == "JPPINT(日本)"
    assert match_key("経済産業省") == match_key("経済産業省 ")
    assert cell_text("ＪＰ PINT") == "ＪＰ PINT"  # output text is not folded


def test_real_names_are_unchanged() -> None:
    assert cell_text(_cells("03-02")[1]) == "AI・データの利用に関する適切な契約の促進"


def test_markers_are_found_where_the_rule_says_in_any_tidied_text() -> None:
    """_markers looks only after spaces; it must find what the rule, applied to every character, finds."""
    import random

    from kg.normalise.text import _markers, _tidy

    def by_the_rule(block: str) -> list[int]:
        return [
            at
            for at, char in enumerate(block)
            if char in "・-" + "".join(map(chr, range(0x2460, 0x2474)))
            and (at == 0 or block[at - 1].isspace())
            and (char != "-" or block[at + 1 : at + 2].isspace())
        ]

    rng = random.Random(7)
    alphabet = ["・", "-", "①", "⑳", "⑴", " ", "\u3000", "\t", "\xa0", "a", "施", "」"]
    for _ in range(5000):
        block = _tidy("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))))
        assert _markers(block) == by_the_rule(block), repr(block)
