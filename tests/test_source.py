"""Reading source bytes: encodings, line ends and files that are not tables."""

from __future__ import annotations

import codecs
import random
import re
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.read import source
from kg.read.source import decode_source, read_source

TEXT = "施策番号\t施策名\n03-01\t民主主義的な価値に基づいた人間中心のAI原則\n"
P = Path("x.txt")


def test_utf8_plain() -> None:
    s = decode_source(TEXT.encode(), P)
    assert s.encoding == "utf-8"
    assert list(s.lines())[1] == "03-01\t民主主義的な価値に基づいた人間中心のAI原則"
    assert s.findings == ()


def test_utf8_bom_is_stripped() -> None:
    s = decode_source(codecs.BOM_UTF8 + TEXT.encode(), P)
    assert s.encoding == "utf-8-sig"
    assert next(iter(s.lines())) == "施策番号\t施策名"


def test_crlf_and_cr_line_ends() -> None:
    s = decode_source(TEXT.replace("\n", "\r\n").encode(), P)
    assert tuple(s.lines())[:2] == ("施策番号\t施策名", "03-01\t民主主義的な価値に基づいた人間中心のAI原則")
    assert all("\r" not in line for line in s.lines())


def test_cp932_is_detected_and_reported() -> None:
    data = (TEXT * 20).encode("cp932")
    s = decode_source(data, P)
    assert s.encoding == "cp932"
    assert list(s.lines())[1].startswith("03-01\t民主主義")
    assert [f.code for f in s.findings] == ["encoding-detected"]


def test_forced_encoding() -> None:
    s = decode_source(TEXT.encode("cp932"), P, encoding="cp932")
    assert next(iter(s.lines())) == "施策番号\t施策名"


def test_wrong_forced_encoding_names_the_line() -> None:
    with pytest.raises(InputError) as err:
        decode_source(("a\nb\n" + TEXT).encode("cp932"), P, encoding="utf-8")
    assert err.value.position.line == 3
    assert "x.txt:3" in str(err.value)


@pytest.mark.parametrize(("bad", "encoding"), [(b"\xff", "utf-8"), (b"\x00", None)])
def test_the_line_of_a_bad_byte_past_the_first_chunk_counts_a_split_crlf_once(
    tmp_path: Path, bad: bytes, encoding: str | None
) -> None:
    """Line numbers are counted only when an error needs one, across chunks of a megabyte.

    The first chunk ends between the CR and the LF of a line end; that line end counts once.
    """
    from kg.read.source import _CHUNK

    line = b"x" * 99 + b"\r\n"
    head = line * (_CHUNK // len(line))
    head += b"y" * (_CHUNK - len(head) - 1) + b"\r"  # the chunk ends at this CR ...
    data = head + b"\n" + line * 5 + b"z" + bad + b"\r\n"  # ... its LF starts the next one
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    expected = head.count(b"\r") + 5 + 1
    with pytest.raises(InputError) as err:
        read_source(path, encoding)
    assert err.value.position.line == expected


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(InputError, match="empty"):
        decode_source(data, P)


def test_binary_file() -> None:
    with pytest.raises(InputError, match="not a text table"):
        decode_source(bytes(range(256)) * 4, P)


def test_digest_is_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(TEXT.encode())
    import hashlib

    assert read_source(path).sha256 == hashlib.sha256(TEXT.encode()).hexdigest()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_source(tmp_path / "nope.txt")


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
def test_lines_match_universal_newlines_at_any_chunk(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    import io

    monkeypatch.setattr(source, "_CHUNK", chunk)
    rng = random.Random(chunk)
    pieces = ["施策", "a", "\r", "\n", "\r\n", "\t", "\u2028", "◎"]
    for _ in range(50):
        data = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))).encode("utf-8")
        if not data.strip():
            continue
        path = Path("x.txt")
        chunks = iter([data[i : i + chunk] for i in range(0, len(data), chunk)])
        s = source._scan(chunks, path, None, data, lambda: "")
        wrapper = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=None)
        expected = [line[:-1] if line.endswith("\n") else line for line in wrapper]
        assert list(s.lines()) == expected, data


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_decode_error_line_with_any_line_end(end: str) -> None:
    data = f"a{end}b{end}".encode() + b"\xff" + end.encode()
    with pytest.raises(InputError) as err:
        decode_source(data, P, encoding="utf-8")
    assert err.value.position.line == 3
    assert f"at byte {4 + 2 * (len(end) - 1)}" in str(err.value)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
def test_stretches_read_alone_give_the_same_lines(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """Worker processes read their own stretches of a large edition: the stretch starting at any
    line and ending at any later one decodes to exactly those lines, whatever the line ends, and
    wherever the megabyte reads cut a CRLF or a character."""
    monkeypatch.setattr(source, "_CHUNK", chunk)
    rng = random.Random(chunk)
    for _ in range(150):
        pieces = []
        for _ in range(rng.randint(1, 25)):
            pieces.append(rng.choice(["a", "ab", "施策", "", "\t", "\u3000"]) * rng.randint(0, 3))
            pieces.append(rng.choice(["\n", "\r\n", "\r", "\n\n", "\r\r\n"]))
        if rng.random() < 0.5:
            pieces.append("last line without an end")
        data = "".join(pieces).encode("utf-8")
        if not data.strip():
            continue
        s = decode_source(data, Path("x.txt"))
        lines = list(s.lines())
        starts = [0] + [m.end() for m in re.finditer(rb"\r\n|\r|\n", data)]  # where each line starts
        outline = list(s.outline())  # the first pass: each line's offset and bytes
        assert [offset for offset, _ in outline] == starts[: len(lines)]
        assert [s.text_of(offset, line) for offset, line in outline] == lines
        wanted = sorted(rng.sample(range(1, len(lines) + 1), min(len(lines), 4)))
        for first, after in zip(wanted, [*wanted[1:], None], strict=True):
            end, stop = (None, None) if after is None else (starts[after - 1], after - 1)
            assert s.lines_between(starts[first - 1], end) == lines[first - 1 : stop]


@pytest.mark.parametrize(
    ("encoding", "sliceable"),
    [("utf-8", True), ("utf-8-sig", True), ("cp932", True), ("euc_jp", True), ("utf-16", False),
     ("iso2022_jp", False)],
)
def test_only_encodings_whose_line_ends_are_bytes_alone_are_cut(encoding: str, sliceable: bool) -> None:
    data = "施策番号\t施策名\n06-22\t名前\n".encode(encoding)
    assert decode_source(data, Path("x.txt"), encoding).sliceable is sliceable


def test_a_stretch_past_the_start_keeps_a_byte_order_mark_that_is_text() -> None:
    """U+FEFF at the start of a later line is a character of the text, not the file's BOM."""
    data = codecs.BOM_UTF8 + "a\n\ufeffb\n".encode()
    s = decode_source(data, Path("x.txt"))
    assert s.encoding == "utf-8-sig" and list(s.lines()) == ["a", "\ufeffb"]
    [(_, first), (second, line)] = s.outline()
    assert s.text_of(0, first) == "a" and s.text_of(second, line) == "\ufeffb"
    assert s.lines_between(0, second) == ["a"] and s.lines_between(second, None) == ["\ufeffb"]
