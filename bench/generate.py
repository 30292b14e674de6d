"""Generate a synthetic 施策集 edition for benchmarking ``kg build``.

The output mimics the PDF extract in ``data/editions/2023/`` (see
docs/domain.md §2-§3): blank-line separated blocks, each with the two-row
header copied from the real file (and its variations: width 30-38, 官デ法 /
官法, article labels with and without spaces, blocks lacking 34条/35条),
then tab-separated measure rows padded with empty cells. The Japanese text is
drawn from the real file's cells, so cell lengths and characters are
realistic, but the sentences are shuffled: the content means nothing.

Written into ``out_dir``:

* ``edition.txt``  - the edition in the extract format;
* ``edition.toml`` - its metadata (decision date 2022-06-07, the edition's
  key, inside the span the law reference data covers, so that marks resolve
  to articles as in a real build; titles; source and its SHA-256) and its table layout, the ``[table]``
  section of the ``edition.toml`` beside the real extract (the headers are
  that file's, so are the column names and article labels);
* ``rows.csv``     - the same measures as one flat CSV (id, name, kpi,
  description, marks, ministries), the input of the Morph-KGC baseline,
  which cannot read the multi-block format.

Deterministic: the same ``measures``, ``seed`` and source file give byte-
identical output. Standard library only.

Usage::

    python bench/generate.py --measures 10000 --seed 42 --out bench/out/x
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO / "data" / "editions" / "2023" / "000_12dec0b774bbd4f2.txt"

YEAR = 2099  # the folder name under data/editions/
DECIDED = "2022-06-07"  # a date the law reference data covers: marks link to articles as in a real build
EDITION_TXT = "edition.txt"
EDITION_TOML = "edition.toml"
ROWS_CSV = "rows.csv"
CSV_COLUMNS = ("id", "name", "kpi", "description", "marks", "ministries")

MIN_WIDTH, MAX_WIDTH = 30, 38
NAME_LEN = (10, 60)
DESC_LEN = (500, 2500)
DESC_MODE = 900  # triangular distribution: most descriptions are short
BLOCK_SIZE = (5, 10)
GROUPS = range(10, 100)  # 2-digit group codes 10-99

UL = '<ul style="list-style-type: none">'
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"

# (name, weight). Full names, short forms and compounds as they appear in
# 府省庁名 cells (docs/domain.md §4). The first element of each tuple is the
# canonical organisation, used only to avoid naming one organisation twice.
MINISTRIES: tuple[tuple[str, str, int], ...] = (
    ("デジタル庁", "デジタル庁", 30),
    ("総務省", "総務省", 30),
    ("経済産業省", "経済産業省", 20),
    ("経済産業省", "経産省", 5),
    ("内閣府", "内閣府", 12),
    ("厚生労働省", "厚生労働省", 12),
    ("厚生労働省", "厚労省", 4),
    ("文部科学省", "文部科学省", 12),
    ("文部科学省", "文科省", 2),
    ("国土交通省", "国土交通省", 10),
    ("国土交通省", "国交省", 2),
    ("農林水産省", "農林水産省", 5),
    ("農林水産省", "農水省", 1),
    ("個人情報保護委員会", "個人情報保護委員会", 6),
    ("消防庁", "総務省消防庁", 2),
    ("法務省", "法務省", 4),
    ("財務省", "財務省", 4),
    ("外務省", "外務省", 3),
    ("警察庁", "警察庁", 3),
    ("金融庁", "金融庁", 3),
    ("環境省", "環境省", 2),
    ("防衛省", "防衛省", 1),
    ("こども家庭庁", "こども家庭庁", 2),
    ("復興庁", "復興庁", 1),
    ("消費者庁", "消費者庁", 1),
    ("公正取引委員会", "公正取引委員会", 1),
    ("内閣官房", "内閣官房", 3),
    ("内閣官房+デジタル庁", "内閣官房デジタル庁", 1),
    ("関係府省庁", "関係府省庁", 1),
)

KPI_UNITS = ("件", "団体", "%", "人", "拠点", "か所", "万件", "自治体", "事業者")
NAME_SUFFIXES = (
    "の推進",
    "の構築",
    "の整備",
    "の実施",
    "の促進",
    "の検討",
    "の強化",
    "事業",
    "の普及",
    "の高度化",
)


@dataclass
class Corpus:
    """Text pools and header templates taken from the real extract."""

    headers: list[tuple[list[str], list[str]]]
    names: list[str]
    name_phrases: list[str]
    kpi_items: list[str]
    sentences: list[str]
    short_sentences: list[str] = field(default_factory=list)


@dataclass
class Generated:
    """What :func:`generate` wrote."""

    out_dir: Path
    edition_txt: Path
    edition_toml: Path
    rows_csv: Path
    measures: int
    blocks: int
    seed: int
    ids: list[str]


# --------------------------------------------------------------------------
# Corpus from the real file

_TAG = re.compile(r"<[^>]+>")
_BULLETS = re.compile(r"(?:^|\s)(?:-|・|[①-⑳])\s*")


def _strip(text: str) -> str:
    return re.sub(r"\s+", " ", _TAG.sub(" ", text)).strip()


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in ("（）", "「」", "()", "『』"))


def load_corpus(source: Path = DEFAULT_SOURCE) -> Corpus:
    """Read the real extract and cut it into pools (order is deterministic)."""
    text = source.read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    headers: list[tuple[list[str], list[str]]] = []
    names: list[str] = []
    kpi_items: list[str] = []
    sentences: list[str] = []
    for block in blocks:
        rows = block.split("\n")
        headers.append((rows[0].split("\t"), rows[1].split("\t")))
        for row in rows[2:]:
            cells = row.split("\t")
            if len(cells) < 4 or not re.match(r"^\d{2}-\d{2}$", cells[0]):
                continue
            names.append(cells[1].strip())
            kpi = _strip(cells[2])
            if kpi and kpi != "—":
                for item in _BULLETS.split(kpi):
                    # items separated only by a space between two sentences
                    for part in re.split(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f（])", item):
                        part = part.strip()
                        if 6 <= len(part) <= 140:
                            kpi_items.append(part)
            desc = _strip(cells[3])
            for piece in _BULLETS.split(desc):
                for sent in re.findall(r"[^。]+。?", piece):
                    sent = sent.strip()
                    if len(sent) < 8 or sent.endswith(("、", "，", "（", "「")):
                        continue
                    sentences.append(sent if sent.endswith("。") else sent + "。")
    name_phrases = sorted(
        {
            p
            for n in names
            for p in re.split(r"における|による|に係る|に関する|の|を|・", n)
            if 2 <= len(p) <= 25 and _balanced(p)
        }
    )
    if not (headers and names and kpi_items and sentences):
        raise SystemExit(f"generate: no usable cells found in {source}")
    corpus = Corpus(headers, names, name_phrases, kpi_items, sentences)
    corpus.short_sentences = [s for s in sentences if len(s) <= 120]
    return corpus


# --------------------------------------------------------------------------
# Cells


def _wareki(year: int) -> str:
    if year >= 2020:
        return f"令和{year - 2018}"
    if year == 2019:
        return "令和元"
    return f"平成{year - 1988}"


def _name(rng: random.Random, c: Corpus) -> str:
    lo, hi = NAME_LEN
    target = rng.randint(lo, hi)
    suffix = rng.choice(NAME_SUFFIXES)
    name = rng.choice(c.names) if rng.random() < 0.3 else rng.choice(c.name_phrases)
    if len(name) > hi:
        name = rng.choice(c.name_phrases)
    for _ in range(20):
        if len(name) >= target:
            break
        link = rng.choice(("の", "における", "による", "・", "に係る", "を活用した"))
        more = rng.choice(c.name_phrases)
        if len(name) + len(link) + len(more) > hi:
            continue
        name = name + link + more
    if len(name) + len(suffix) <= hi and (len(name) < target or rng.random() < 0.5):
        name += suffix
    while len(name) < lo:
        name += rng.choice(NAME_SUFFIXES)
    return name


def _kpi_item(rng: random.Random, c: Corpus) -> str:
    base = rng.choice(c.kpi_items)
    r = rng.random()
    if r < 0.45 or re.search(r"年度?（", base):  # keep a KPI that already has a date
        return base
    year = rng.randint(2024, 2035)
    fy = f"{year}年度（{_wareki(year)}年度）"
    value = rng.choice((1, 3, 5, 10, 15, 20, 30, 50, 100, 250, 1000, 1200, 10000))
    unit = rng.choice(KPI_UNITS)
    if r < 0.65:
        return f"{base}（{fy}までに{value:,}{unit}）"
    if r < 0.8:
        return f"{fy}までに、{base}を{value:,}{unit}とする"
    if r < 0.9:
        return f"{base}（{year}年（{_wareki(year)}年）目標）"
    return f"{base}（年間{value:,}{unit}以上）"


def _kpi_cell(rng: random.Random, c: Corpus) -> tuple[str, list[str]]:
    k = rng.choices((0, 1, 2, 3, 4, 5, 6), weights=(12, 30, 30, 12, 8, 5, 3))[0]
    if k == 0:
        return rng.choice(("—", "", "—")), []
    items = [_kpi_item(rng, c) for _ in range(k)]
    if k == 1:
        return items[0], items
    style = rng.random()
    if style < 0.45:  # separated only by a space, like 04-01 / 06-18
        return " ".join(items), items
    if style < 0.65:
        return f"{UL} " + " ".join(f"・{i}" for i in items) + " ", items
    if style < 0.8:
        return " ".join(f"・{i}" for i in items), items
    if style < 0.9:
        return f"{UL} " + " ".join(items) + " ", items
    return " ".join(f"{CIRCLED[n]}{i}" for n, i in enumerate(items)), items


def _description(rng: random.Random, c: Corpus) -> str:
    lo, hi = DESC_LEN
    target = int(rng.triangular(lo, hi, DESC_MODE))
    bullets: list[str] = []
    total = 0
    while total < target:
        sents = [rng.choice(c.sentences) for _ in range(rng.randint(1, 3))]
        bullet = "".join(sents)
        # budget: up to 10 chars of markup per bullet, 50 for the list wrapper
        if total + len(bullet) + 10 + 50 > hi:
            bullet = rng.choice(c.short_sentences)
            if total + len(bullet) + 10 + 50 > hi:
                break
        bullets.append(bullet)
        total += len(bullet) + 10
    style = rng.random()
    if style < 0.5:
        text = f"{UL} " + " ".join(f"- {b}" for b in bullets) + " "
    elif style < 0.7:
        text = " ".join(f"<p>- {b}</p>" for b in bullets)
    elif style < 0.9:
        text = " ".join(f"- {b}" for b in bullets)
    else:  # a lead sentence, ・ items and a nested circled list, like 06-23
        head, rest = bullets[0], bullets[1:] or [bullets[0]]
        half = max(1, len(rest) // 2)
        items = " ".join(f"・{b}" for b in rest[:half])
        nested = " ".join(f"{CIRCLED[n % 10]}{b}" for n, b in enumerate(rest[half:]))
        text = f"{UL} {head} {items}" + (f" {UL} {nested}" if nested else "") + " "
    while len(text) < lo:  # rare: very short sentences drawn
        text += f" - {rng.choice(c.short_sentences)}"
    return text


def _ministries(rng: random.Random) -> list[str]:
    k = rng.choices((1, 2, 3, 4, 5, 6), weights=(40, 25, 15, 10, 6, 4))[0]
    weights = [w for _, _, w in MINISTRIES]
    chosen: list[str] = []
    seen: set[str] = set()
    while len(chosen) < k:
        canon, name, _ = rng.choices(MINISTRIES, weights=weights)[0]
        if canon in seen:
            continue
        seen.add(canon)
        chosen.append(name)
    return chosen


def _join_ministries(rng: random.Random, names: list[str]) -> str:
    r = rng.random()
    sep = "、" if r < 0.8 else "・" if r < 0.93 else "、 " if r < 0.97 else " "
    if sep == " " and len(names) > 2:  # the real file spaces only two names apart
        sep = "、"
    return sep.join(names)


# --------------------------------------------------------------------------
# Blocks

_SPACED = ("11条 1項 2項", "11条 3項", "15条 1項", "15条 2項")


def _header(rng: random.Random, c: Corpus) -> tuple[list[str], list[str]]:
    row1, row2 = rng.choice(c.headers)
    row1, row2 = list(row1), list(row2)
    if rng.random() < 0.15:  # 官デ法 / 官法
        row1 = [x.replace("官デ法", "官法") for x in row1]
    elif rng.random() < 0.15:
        row1 = [x.replace("官法第", "官デ法第") for x in row1]
    spacing = rng.random()
    if spacing < 0.3:
        row2 = [x.replace(" ", "") for x in row2]
    elif spacing < 0.5:
        unspaced = {s.replace(" ", ""): s for s in _SPACED}
        row2 = [unspaced.get(x, x) for x in row2]
    drop = rng.random()
    if drop < 0.08:
        row2 = ["" if x in ("34条", "35条") else x for x in row2]
    elif drop < 0.18:
        row2 = ["" if x == "35条" else x for x in row2]
    natural = max(len(row1), len(row2))
    width = natural if rng.random() < 0.5 else rng.randint(max(MIN_WIDTH, natural), MAX_WIDTH)
    width = max(MIN_WIDTH, min(MAX_WIDTH, max(width, natural)))
    row1 += [""] * (width - len(row1))
    row2 += [""] * (width - len(row2))
    return row1[:width], row2[:width]


def _row(
    rng: random.Random,
    c: Corpus,
    mid: str,
    width: int,
    label_cols: list[int],
    ministry_base: int,
) -> tuple[list[str], dict[str, str]]:
    cells = [""] * width
    name = _name(rng, c)
    kpi, _items = _kpi_cell(rng, c)
    desc = _description(rng, c)
    cells[0], cells[1], cells[2], cells[3] = mid, name, kpi, desc

    # ministry cell: moves around the end of the row (09-31 … 09-37)
    mcol = ministry_base
    if rng.random() < 0.3:
        mcol += rng.choice((-1, 1))
    mcol = max(label_cols[-1] - 3, min(width - 1, mcol))
    ministries = _ministries(rng)
    mtext = _join_ministries(rng, ministries)
    bare = rng.random() < 0.15 and mcol - 1 > 4
    if bare:  # a lone ◎ in the cell before it; the name may or may not keep its own
        cells[mcol - 1] = "◎"
        cells[mcol] = ("◎" + mtext) if rng.random() < 0.3 else mtext
    else:
        cells[mcol] = "◎" + mtext

    # marks: ◎/○ under (or near) article labels, left of the ministry cell
    n = rng.choices((0, 1, 2, 3, 4, 5, 6), weights=(40, 20, 15, 10, 7, 5, 3))[0]
    if bare:
        n = max(0, n - 1)
    free = [col for col in label_cols if col < mcol - (1 if bare else 0)]
    for k, col in enumerate(rng.sample(free, min(n, len(free)))):
        if rng.random() < 0.25:  # misaligned by one cell
            col += rng.choice((-1, 1))
        if not (4 <= col < mcol) or cells[col]:
            continue
        cells[col] = "◎" if k == 0 or rng.random() < 0.6 else "○"
    marks = " ".join(x for x in cells[4:mcol] if x)
    record = {
        "id": mid,
        "name": name,
        "kpi": kpi,
        "description": desc,
        "marks": marks,
        "ministries": cells[mcol],
    }
    return cells, record


def _ids(n: int) -> list[str]:
    """n unique IDs NN-MM (NN 10-99), serials 2-4 digits as needed, in file order."""
    groups = len(GROUPS)
    if n > groups * 9999:
        raise ValueError(f"at most {groups * 9999} measures")
    per_group = max(-(-n // groups), min(n, 30))  # real groups hold up to ~40 measures
    digits = max(2, len(str(per_group)))
    out: list[str] = []
    for g in GROUPS:
        for s in range(1, per_group + 1):
            if len(out) == n:
                return out
            out.append(f"{g:02d}-{s:0{digits}d}")
    return out


def layout_toml(source: Path) -> Path:
    """The edition.toml whose ``[table]`` describes the headers of ``source``.

    The one beside ``source`` if there is one, else the bundled edition's.
    """
    beside = source.parent / EDITION_TOML
    return beside if beside.is_file() else DEFAULT_SOURCE.parent / EDITION_TOML


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _table(path: Path) -> str:
    """The ``[table]`` section of the edition.toml at ``path``, written again (comments left out)."""
    with path.open("rb") as f:
        table = tomllib.load(f).get("table")
    if not isinstance(table, dict):
        raise SystemExit(f"generate: {path} has no [table] section")
    kpis = table["kpi"] if isinstance(table["kpi"], list) else [table["kpi"]]

    def kpi(entry: str | dict[str, str]) -> str:
        if isinstance(entry, str):
            return _string(entry)
        return "{" + ", ".join(f"{k} = {_string(v)}" for k, v in entry.items()) + "}"

    lines = [
        "[table]",
        *(f"{key} = {_string(table[key])}" for key in ("id", "name")),
        f"kpi = [{', '.join(kpi(k) for k in kpis)}]",
        *(f"{key} = {_string(table[key])}" for key in ("description", "organizations")),
        "",
        "[table.articles]",
        *(
            f"{_string(law)} = [{', '.join(_string(label) for label in labels)}]"
            for law, labels in table["articles"].items()
        ),
    ]
    return "\n".join(lines) + "\n"


def _toml(n: int, seed: int, sha256: str, layout: Path) -> str:
    return (
        "# Synthetic edition written by bench/generate.py: NOT a real plan.\n"
        f"# measures = {n}, seed = {seed}\n"
        f"decided = {DECIDED}\n"
        f'title_ja = "デジタル社会の実現に向けた重点計画 施策集（ベンチマーク用合成データ {n}件）"\n'
        f'title_en = "Priority Policy Program for Realizing Digital Society: measures '
        f'(synthetic benchmark data, {n} measures, seed {seed})"\n'
        f'source = "{EDITION_TXT}"\n'
        f'sha256 = "{sha256}"\n'
        "\n"
        "# The table's layout: the headers are copied from the real extract, so is this.\n"
        + _table(layout)
    )


def generate(n: int, seed: int, out_dir: Path | str, source: Path | str = DEFAULT_SOURCE) -> Generated:
    """Write edition.txt, edition.toml and rows.csv for ``n`` measures into ``out_dir``."""
    if n < 1:
        raise ValueError("n must be at least 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = load_corpus(Path(source))
    rng = random.Random(seed)
    ids = _ids(n)
    blocks = 0
    txt_path, csv_path, toml_path = out / EDITION_TXT, out / ROWS_CSV, out / EDITION_TOML
    digest = hashlib.sha256()
    with txt_path.open("wb") as txt, csv_path.open("w", encoding="utf-8", newline="") as fcsv:
        writer = csv.writer(fcsv, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)

        def put(text: str) -> None:
            data = text.encode("utf-8")
            digest.update(data)
            txt.write(data)

        put("\n\n")
        i = 0
        while i < n:
            size = min(rng.randint(*BLOCK_SIZE), n - i)
            row1, row2 = _header(rng, corpus)
            width = len(row1)
            label_cols = [k for k, x in enumerate(row2) if x.strip()]
            last = label_cols[-1]
            ministry_base = rng.randint(max(last - 1, 24), width - 1)
            lines = ["\t".join(row1), "\t".join(row2)]
            rows = []
            for mid in ids[i : i + size]:
                cells, record = _row(rng, corpus, mid, width, label_cols, ministry_base)
                lines.append("\t".join(cells))
                rows.append([record[k] for k in CSV_COLUMNS])
            put("\n".join(lines) + "\n\n")
            writer.writerows(rows)
            i += size
            blocks += 1
    toml_path.write_text(_toml(n, seed, digest.hexdigest(), layout_toml(Path(source))), encoding="utf-8")
    return Generated(out, txt_path, toml_path, csv_path, n, blocks, seed, ids)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--measures", "-n", type=int, required=True, help="number of measures")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="real extract to draw text from")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    g = generate(a.measures, a.seed, a.out, a.source)
    mib = g.edition_txt.stat().st_size / 2**20
    print(
        f"wrote {g.measures} measures in {g.blocks} blocks to {g.out_dir} "
        f"({EDITION_TXT} {mib:.1f} MiB, {ROWS_CSV}, {EDITION_TOML}) in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
