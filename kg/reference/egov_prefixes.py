"""Dataset-name prefixes of the e-Gov data portal and the organisation each stands for.

The portal names datasets ``<prefix>_<date>_<serial>`` (``cao_20190522_0002``);
the prefix is the publishing body's, but it is not always our gazetteer id, so
which prefix means which organisation is reference data with a source per row
(``data/reference/egov_prefixes.csv``), not a rule. It is the harvest's third
and last key for linking a dataset to its publisher, after the 法人番号 tag and
the organisation's name. A user's ``<data_dir>/reference/egov_prefixes.csv``
replaces or extends the bundled rows by prefix.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kg.errors import InputError
from kg.reference._csv import ReferenceFile, merge_rows, reference_files

COLUMNS = ("prefix", "organization_id", "sources", "note")
FILE_NAME = "egov_prefixes.csv"


def load_prefixes(user_dir: Path | None = None) -> dict[str, str]:
    """Prefix → gazetteer organisation id."""
    return _load(reference_files(FILE_NAME, user_dir))


@cache
def _load(files: tuple[ReferenceFile, ...]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for row in merge_rows(files, COLUMNS, lambda cells: cells["prefix"], "prefix"):
        if not row.cells["organization_id"] or not row.cells["sources"]:
            raise InputError("a prefix needs an organization_id and a source", row.position)
        prefixes[row.cells["prefix"]] = row.cells["organization_id"]
    return prefixes
