"""File helpers shared by the writers."""

from __future__ import annotations

import os
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
