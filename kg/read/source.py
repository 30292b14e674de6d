"""Open a source file as text, whatever encoding and line ends it came in, without loading it whole.

The 施策集 is published by ministries whose tools still write Shift_JIS/CP932
and UTF-8 with a BOM; a reader that only accepts clean UTF-8 would fail real
users. UTF-8 is tried first (it is strict, so a success is trustworthy); only
then is the encoding detected, and the detection is reported as a finding.

A first pass streams the bytes once to check that they decode (a thread hashes them meanwhile);
:meth:`SourceText.lines` then streams the decoded lines as often as a reader
needs them, and, where the encoding allows, :meth:`SourceText.outline` streams
the undecoded lines with their byte offsets (a reader's first pass over a large
edition) and :meth:`SourceText.lines_between` decodes a stretch of them alone.
Memory stays flat however large the edition.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from kg.errors import InputError, Position
from kg.findings import Finding, finding
from kg.manifest import Digests

#: Encodings we accept from detection. Anything else is more likely binary noise.
_JAPANESE_ENCODINGS = {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "iso2022_jp"}
_CHUNK = 1 << 20
#: Encodings in which CR and LF bytes are only line ends and no state carries over a line end.
_SLICEABLE = {
    "utf-8", "utf-8-sig", "ascii", "cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp",
}
_LINE_END = re.compile(rb"\r\n|\r|\n")
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

    @property
    def sliceable(self) -> bool:
        """Whether the file can be cut at any line start and each piece decoded alone.

        True for encodings in which the bytes of ``\\r`` and ``\\n`` only ever end a
        line and nothing carries over from one line to the next (UTF-8, Shift_JIS,
        EUC-JP), not for UTF-16/32 or ISO-2022-JP: see :meth:`outline`.
        """
        return codecs.lookup(self.encoding).name in _SLICEABLE

    def outline(self) -> Iterator[tuple[int, bytes]]:
        """Each line of a sliceable file as its byte offset and its bytes, without its end, undecoded.

        The lines are those :meth:`lines` gives (``\\r\\n``, ``\\r`` and ``\\n`` each end
        one), read a megabyte at a time. A reader's first pass over a large edition
        needs to decode only the few lines it reads the text of (:meth:`text_of`),
        and learns where every line starts: worker processes then read their own
        stretches of it (:meth:`lines_between`).
        """
        offset, data = 0, b""  # data: the bytes from offset on, not yet cut into lines
        for chunk in _chunks(self.path, self.data):
            data += chunk
            end = len(data) - data.endswith(b"\r")  # a CR may be the first half of a CRLF
            at = 0
            if b"\r" in data:
                for match in _LINE_END.finditer(data, 0, end):
                    yield offset + at, data[at : match.start()]
                    at = match.end()
            else:  # the common case: ``bytes.find``, a C loop, between LFs
                cut = data.find(b"\n")
                while cut >= 0:
                    yield offset + at, data[at:cut]
                    at = cut + 1
                    cut = data.find(b"\n", at)
            data, offset = data[at:], offset + at
        if data:  # the last line has no end (or ends with a CR, held back above)
            yield offset, data.removesuffix(b"\r")

    def text_of(self, offset: int, line: bytes) -> str:
        """A line of :meth:`outline`, decoded as :meth:`lines` decodes it there."""
        return line.decode(self._encoding_at(offset))

    def _encoding_at(self, offset: int) -> str:
        # A BOM is the file's, at its start only: a line further on may begin with U+FEFF.
        return "utf-8" if offset and codecs.lookup(self.encoding).name == "utf-8-sig" else self.encoding

    def lines_between(self, start: int, end: int | None) -> list[str]:
        """The lines in bytes ``start`` to ``end`` (a line start, or None: the end), decoded.

        Only for a :attr:`sliceable` file; the lines are those :meth:`lines` gives there.
        """
        if self.data is not None:
            raw = self.data[start:end]
        else:
            with self.path.open("rb") as fh:
                fh.seek(start)
                raw = fh.read() if end is None else fh.read(end - start)
        lines = _split_lines(raw.decode(self._encoding_at(start)))
        if lines[-1] == "":
            lines.pop()
        return lines

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

    Raises :class:`InputError` for empty, binary or undecodable files. The file
    is hashed in a thread while it is checked (hashing and reading release the GIL).
    """
    digests = Digests()
    try:
        digests.add(path)
        return _scan(_chunks(path, None), path, encoding, None, lambda: digests.results()[path.name])
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Position(file=str(path))) from exc
    finally:
        digests.close()


def decode_source(data: bytes, path: Path, encoding: str | None = None) -> SourceText:
    """The same checks on bytes in memory (``path`` names them in messages)."""
    return _scan([data], path, encoding, data, lambda: hashlib.sha256(data).hexdigest())


def _scan(
    chunks: Iterable[bytes], path: Path, encoding: str | None, data: bytes | None, sha256: Callable[[], str]
) -> SourceText:
    where = Position(file=str(path))
    sample = bytearray()
    blank = True
    wide = _wide_encoding(encoding, _head(path, data))  # UTF-16/32: NUL bytes are part of the text
    offset = 0
    for chunk in chunks:
        if wide is None and (nul := chunk.find(b"\x00")) >= 0:
            utf16 = _looks_utf16(bytes(sample) + chunk)
            hint = "; UTF-16 text without a BOM? try --encoding utf-16-le" if utf16 else ""
            raise InputError(
                _binary_message(f"it contains a NUL byte{hint}"),
                Position(file=where.file, line=_line_at(path, data, offset + nul)),
            )
        offset += len(chunk)
        blank = blank and not chunk.strip()
        if len(sample) < _SAMPLE:
            sample += chunk[: _SAMPLE - len(sample)]
    if blank:
        raise InputError("the file is empty: it holds no table", where)
    findings: list[Finding] = []
    checked = None  # the encoding already checked to decode the whole file
    if encoding is not None:
        used = encoding
    elif wide is not None:
        used = wide
        findings.append(finding("encoding-detected", where, encoding=used))
    elif sample.startswith(codecs.BOM_UTF8):
        used = "utf-8-sig"
    else:
        try:
            _check_decodes(path, data, "utf-8", where)
            used = checked = "utf-8"
        except InputError as not_utf8:
            used = _detect_after(bytes(sample), where, not_utf8)
            findings.append(finding("encoding-detected", where, encoding=used))
    if used != checked:
        _check_decodes(path, data, used, where)
    head = bytes(sample[:65536]).decode(used, errors="ignore")
    if _control_ratio(head) > 0.01:
        raise InputError(_binary_message("it is mostly control characters"), where)
    return SourceText(path, path.name, sha256(), used, tuple(findings), data)


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


def _check_decodes(path: Path, data: bytes | None, encoding: str, where: Position) -> None:
    """Decode the whole file once, incrementally; report the line of the first bad byte."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}", where) from exc
    offset = 0
    for chunk in _chunks(path, data):
        buffered = len(decoder.getstate()[0])  # bytes of a character split off the previous chunk
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            at = offset + max(exc.start - buffered, 0)
            raise InputError(
                f"cannot decode as {encoding} at byte {at} ({exc.reason}); try --encoding",
                Position(file=where.file, line=_line_at(path, data, at)),
            ) from exc
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode as {encoding}: the file ends inside a character ({exc.reason})",
            Position(file=where.file, line=_line_at(path, data, offset)),
        ) from exc


def _line_at(path: Path, data: bytes | None, offset: int) -> int:
    """The line that byte ``offset`` is on (1-based), read again from the start.

    Only an error needs a line number, so the passes over a good file count no line ends.
    """
    ends = 0
    tail = b""  # the last byte of the previous chunk, so that a CRLF split between chunks counts once
    for chunk in _chunks(path, data):
        piece = chunk[: max(offset, 0)]
        ends += _line_ends(tail + piece) - _line_ends(tail)
        offset -= len(chunk)
        if offset <= 0:
            break
        tail = chunk[-1:]
    return ends + 1


def _head(path: Path, data: bytes | None) -> bytes:
    if data is not None:
        return data[:4]
    with path.open("rb") as fh:
        return fh.read(4)


def _wide_encoding(encoding: str | None, head: bytes) -> str | None:
    """``utf-16``/``utf-32`` when the file is in one (asked for, or announced by its BOM), else None."""
    if encoding is not None:
        name = codecs.lookup(encoding).name if _known(encoding) else encoding
        return name if name.startswith(("utf-16", "utf-32")) else None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _looks_utf16(sample: bytes) -> bool:
    """NUL bytes mostly at odd (or mostly at even) offsets: ASCII (tabs, digits) written as UTF-16."""
    head = sample[:4096]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    return odd >= 4 * even + 2 or even >= 4 * odd + 2


def _detect_after(sample: bytes, where: Position, not_utf8: InputError) -> str:
    """Detect the encoding of a file that is not UTF-8; if none fits, say where UTF-8 failed."""
    try:
        return _detect(sample, where)
    except InputError:
        utf8 = not_utf8.message.removesuffix("; try --encoding")
        raise InputError(
            f"{utf8}, and no Japanese encoding fits the file either;"
            " correct that line, or give the encoding with --encoding",
            not_utf8.position,
        ) from None


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
