"""Where the bundled resources are: the one module that locates files shipped with kg.

The ontology, the SHACL shapes, the bundled queries and the reference data
are edited in the repository's top-level folders (``ontology/``, ``shapes/``,
``queries/``, ``data/reference/``). ``kg/_bundled/`` holds a symbolic link to
each, so that an editable install reads them in place, and a wheel build
copies their contents into the package (setuptools follows the links), so an
installed ``kg`` finds them with :mod:`importlib.resources` wherever it runs.
Nothing else in kg looks for files relative to its own source.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from kg.errors import ConfigError

_PACKAGE = "kg"
_FOLDER = "_bundled"


def _path(*parts: str, folder: str = _FOLDER) -> Path:
    resource = files(_PACKAGE).joinpath(folder, *parts)
    # pip always installs wheels unpacked, so every resource is a real file
    # (pyoxigraph and pyshacl read paths, not streams).
    path = Path(str(resource))
    if not path.exists():
        raise ConfigError(f"bundled resource {'/'.join(parts)} is missing from the kg installation ({path})")
    return path


def ontology_file() -> Path:
    """``ontology/kg.ttl``: the kg ontology."""
    return _path("ontology", "kg.ttl")


def shapes_dir() -> Path:
    """``shapes/``: the SHACL shapes every build is validated with."""
    return _path("shapes")


def dcat_ap_shapes_dir() -> Path:
    """``shapes/dcat-ap-3.0.1/``: the official DCAT-AP 3.0.1 SHACL shapes (SEMIC, CC BY 4.0).

    Used by ``kg catalog``; a subfolder, so the build's own validation (``shapes/*.ttl``) never loads them.
    """
    return _path("shapes", "dcat-ap-3.0.1")


def queries_dir() -> Path:
    """``queries/``: the bundled SPARQL queries."""
    return _path("queries")


def reference_dir() -> Path:
    """``data/reference/``: the bundled reference data (gazetteer, laws, articles)."""
    return _path("reference")


def site_templates_dir() -> Path:
    """``kg/site/templates/``: the Jinja2 templates of ``kg site`` (package data, not a top-level folder,
    since ``site/`` is where the site is written)."""
    return _path("templates", folder="site")


def site_assets_dir() -> Path:
    """``kg/site/assets/``: the style sheet and search script copied into every site."""
    return _path("assets", folder="site")
