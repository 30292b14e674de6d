"""Open a source file as text, whatever encoding and line ends it came in.

The 施策集 is published by ministries whose tools still write Shift_JIS/CP932
and UTF-8 with a BOM; a reader that only accepts clean UTF-8 would fail real
users. UTF-8 is tried first (it is strict, so a success is trustworthy); only
then is the encoding detected, and the detection is reported as a finding.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from kg.errors import InputError, Position
from kg.findings import Finding, finding

#: Encodings we accept from detection. Anything else is more likely binary noise.
_JAPANESE_ENCODINGS = {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "iso2022_jp"}


@dataclass(frozen=True)
class SourceText:
    """A decoded source file: its lines (without line ends), digest and encoding."""

    path: Path
    name: str
    sha256: str
    encoding: str
    lines: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default=())


def read_source(path: Path, encoding: str | None = None) -> SourceText:
    """Read ``path`` as text. Raises :class:`InputError` for empty, binary or undecodable files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Position(file=str(path))) from exc
    return decode_source(data, path, encoding)


def decode_source(data: bytes, path: Path, encoding: str | None = None) -> SourceText:
    """Decode ``data`` read from ``path`` (split out so tests can feed bytes)."""
    where = Position(file=str(path))
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise InputError("the file is empty: it holds no table", where)
    if b"\x00" in data:
        raise InputError(_binary_message("it contains NUL bytes"), where)
    findings: list[Finding] = []
    if encoding is not None:
        text, used = _decode_as(data, encoding, where), encoding
    elif data.startswith(codecs.BOM_UTF8):
        text, used = _decode_as(data[len(codecs.BOM_UTF8) :], "utf-8", where), "utf-8-sig"
    else:
        try:
            text, used = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, used = _detect(data, where)
            findings.append(finding("encoding-detected", where, encoding=used))
    if _control_ratio(text) > 0.01:
        raise InputError(_binary_message("it is mostly control characters"), where)
    # splitlines() would also split on U+2028 etc.; the format is line-based on \n / \r\n / \r only.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return SourceText(path, path.name, digest, used, tuple(lines), tuple(findings))


def _binary_message(detail: str) -> str:
    return f"the file is not a text table ({detail}); is it the right file?"


def _decode_as(data: bytes, encoding: str, where: Position) -> str:
    try:
        return data.decode(encoding)
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}", where) from exc
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"cannot decode as {encoding} at byte {exc.start} ({exc.reason}); try --encoding",
            Position(file=where.file, line=line),
        ) from exc


def _detect(data: bytes, where: Position) -> tuple[str, str]:
    best = from_bytes(data).best()
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
    used = "cp932" if name.startswith("shift_jis") else name
    return _decode_as(data, used, where), used


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text[:65536] if ch < " " and ch not in "\t\r\n")
    return controls / min(len(text), 65536)
