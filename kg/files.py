"""File helpers shared by the writers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def make_shareable(path: Path) -> None:
    """Give ``path`` the mode the user's umask asks for.

    ``tempfile.mkdtemp``/``mkstemp`` create private (0700/0600) entries; the
    writers stage outputs that way and rename them into place, and a build
    folder or curated table is meant to be read (and edited) by others.
    """
    umask = os.umask(0)
    os.umask(umask)
    path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half of it.

    A temporary file in the same folder (so the rename stays on one file
    system) is filled, given the user's mode, and renamed over ``path``; on any
    failure it is removed and ``path`` is left as it was. Raises ``OSError``:
    callers say in their own terms what could not be written.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        make_shareable(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
