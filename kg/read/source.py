"""Open a source file as text, whatever encoding and line ends it came in, without loading it whole.

The 施策集 is published by ministries whose tools still write Shift_JIS/CP932
and UTF-8 with a BOM; a reader that only accepts clean UTF-8 would fail real
users. UTF-8 is tried first (it is strict, so a success is trustworthy); only
then is the encoding detected, and the detection is reported as a finding.

A first pass streams the bytes once to hash them and check that they decode;
:meth:`SourceText.lines` then streams the decoded lines as often as a reader
needs them. Memory stays flat however large the edition.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from kg.errors import InputError, Position
from kg.findings import Finding, finding

#: Encodings we accept from detection. Anything else is more likely binary noise.
_JAPANESE_ENCODINGS = {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "iso2022_jp"}
_CHUNK = 1 << 20
_SAMPLE = 4 << 20  # bytes kept for encoding detection


@dataclass(frozen=True)
class SourceText:
    """A checked source file: name, SHA-256 of its bytes, the encoding to read it with."""

    path: Path
    name: str
    sha256: str
    encoding: str
    findings: tuple[Finding, ...] = field(default=())
    data: bytes | None = field(default=None, repr=False)  # set when read from memory (tests)

    def lines(self) -> Iterator[str]:
        """The decoded lines, without line ends (``\\r\\n``, ``\\r`` and ``\\n`` all end a line).

        Decodes a megabyte at a time and splits with ``str.split``: several
        times faster than a text file's line iterator on a large edition.
        """
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        pending = ""
        for chunk in _chunks(self.path, self.data):
            text = pending + decoder.decode(chunk)
            held = text.endswith("\r")  # maybe the first half of a CRLF split between chunks
            if held:
                text = text[:-1]
            lines = _split_lines(text)
            pending = lines.pop() + ("\r" if held else "")
            yield from lines
        lines = _split_lines(pending + decoder.decode(b"", final=True))
        if lines[-1] == "":
            lines.pop()
        yield from lines


def read_source(path: Path, encoding: str | None = None) -> SourceText:
    """Check ``path`` and return how to read it.

    Raises :class:`InputError` for empty, binary or undecodable files.
    """
    try:
        return _scan(_chunks(path, None), path, encoding, None)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Position(file=str(path))) from exc


def decode_source(data: bytes, path: Path, encoding: str | None = None) -> SourceText:
    """The same checks on bytes in memory (``path`` names them in messages)."""
    return _scan([data], path, encoding, data)


def _scan(chunks: Iterable[bytes], path: Path, encoding: str | None, data: bytes | None) -> SourceText:
    where = Position(file=str(path))
    digest = hashlib.sha256()
    sample = bytearray()
    blank = True
    for chunk in chunks:
        digest.update(chunk)
        if b"\x00" in chunk:
            raise InputError(_binary_message("it contains NUL bytes"), where)
        blank = blank and not chunk.strip()
        if len(sample) < _SAMPLE:
            sample += chunk[: _SAMPLE - len(sample)]
    if blank:
        raise InputError("the file is empty: it holds no table", where)
    findings: list[Finding] = []
    if encoding is not None:
        used = encoding
    elif sample.startswith(codecs.BOM_UTF8):
        used = "utf-8-sig"
    elif _decodes(path, data, "utf-8"):
        used = "utf-8"
    else:
        used = _detect(bytes(sample), where)
        findings.append(finding("encoding-detected", where, encoding=used))
    _check_decodes(path, data, used, where)
    head = bytes(sample[:65536]).decode(used, errors="ignore")
    if _control_ratio(head) > 0.01:
        raise InputError(_binary_message("it is mostly control characters"), where)
    return SourceText(path, path.name, digest.hexdigest(), used, tuple(findings), data)


def _line_ends(data: bytes) -> int:
    """Line ends in ``data``: CRLF, LF and a lone CR each count once."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _split_lines(text: str) -> list[str]:
    # Not str.splitlines(): it also splits at U+2028, U+0085 and other characters a cell may hold.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _binary_message(detail: str) -> str:
    return f"the file is not a text table ({detail}); is it the right file?"


def _chunks(path: Path, data: bytes | None) -> Iterator[bytes]:
    if data is not None:
        for start in range(0, len(data), _CHUNK):
            yield data[start : start + _CHUNK]
        return
    with path.open("rb") as fh:
        yield from iter(lambda: fh.read(_CHUNK), b"")


def _decodes(path: Path, data: bytes | None, encoding: str) -> bool:
    try:
        _check_decodes(path, data, encoding, Position(file=str(path)))
    except InputError:
        return False
    return True


def _check_decodes(path: Path, data: bytes | None, encoding: str, where: Position) -> None:
    """Decode the whole file once, incrementally; report the line of the first bad byte."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}", where) from exc
    newlines = offset = 0
    for chunk in _chunks(path, data):
        buffered = len(decoder.getstate()[0])  # bytes of a character split off the previous chunk
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            at = max(exc.start - buffered, 0)
            line = newlines + _line_ends(chunk[:at]) + 1
            raise InputError(
                f"cannot decode as {encoding} at byte {offset + at} ({exc.reason}); try --encoding",
                Position(file=where.file, line=line),
            ) from exc
        newlines += _line_ends(chunk)
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode as {encoding}: the file ends inside a character ({exc.reason})",
            Position(file=where.file, line=newlines + 1),
        ) from exc


def _detect(sample: bytes, where: Position) -> str:
    best = from_bytes(sample).best()
    if best is None:
        raise InputError(_binary_message("no text encoding fits its bytes"), where)
    name = best.encoding.lower()
    if name not in _JAPANESE_ENCODINGS:
        # A table of Japanese text that is neither UTF-8 nor a Japanese encoding is
        # far more likely a wrong file than a legitimate input: refuse, don't guess.
        raise InputError(
            f"the file is neither UTF-8 nor a Japanese encoding (detected {name});"
            " use --encoding to force one",
            where,
        )
    # CP932 is a superset of Shift_JIS that Windows tools actually write.
    return "cp932" if name.startswith("shift_jis") else name


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
    return controls / len(text)
