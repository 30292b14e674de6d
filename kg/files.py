"""File helpers shared by the writers."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from kg.errors import ConfigError

#: First characters a spreadsheet takes for a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text: ``'`` before a formula-leading character (OWASP).

    Every CSV kg writes for people (the curated table, review.csv, findings) goes
    through this: a source cell such as ``=HYPERLINK(…)`` must never run when opened.
    """
    return "'" + cell if cell.startswith(FORMULA_START) else cell


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


class FolderLock:
    """An exclusive lock on an output folder, held while a build writes it.

    The lock is ``.<name>.lock`` beside the folder (not inside it: the folder
    is replaced whole), taken with ``flock`` so that the kernel releases it
    when the holder dies, however it dies. A second build into the same
    folder fails at once, naming the holder's PID, rather than have two
    builds race to rename their stages into place. The file is removed on
    release; a holder that finds the file replaced under it (removed by the
    previous holder between its open and its lock) starts again on the new one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder.parent / f".{folder.name}.lock"
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise ConfigError(f"{self.path}: cannot create the build lock: {exc.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise ConfigError(
                    f"{self.folder}: another kg build (PID {holder}) is writing this"
                    f" folder; wait for it to finish (lock {self.path})"
                ) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)  # while still held, so no one locks a file about to go
            os.close(self._fd)
            self._fd = None


def replace_folder(stage: Path, target: Path) -> None:
    """Swap a finished ``stage`` folder in for ``target`` (a build, a site, a diff, a catalog).

    The previous folder is moved aside first and removed only once the new one is
    in place; should the swap fail, it is put back. A reader sees the old folder
    or the new one, never a mixture.
    """
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        target.rename(old / "previous")
    try:
        stage.rename(target)
    except BaseException:
        if old is not None:
            (old / "previous").rename(target)  # put the previous folder back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
