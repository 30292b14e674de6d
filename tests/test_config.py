"""Settings from kg.toml / pyproject.toml, overridden by options."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import DEFAULT_BASE_IRI, load_settings
from kg.errors import ConfigError


def test_defaults_without_config(tmp_path: Path) -> None:
    s = load_settings(tmp_path)
    assert s.base_iri == DEFAULT_BASE_IRI
    assert (s.data_dir, s.build_dir) == (tmp_path / "data", tmp_path / "build")


def test_pyproject_then_kg_toml(tmp_path: Path) -> None:
    pyproject = '[tool.kg]\nbase_iri = "https://a.example.org/"\nbuild_dir = "out"\n'
    (tmp_path / "pyproject.toml").write_text(pyproject)
    assert load_settings(tmp_path).base_iri == "https://a.example.org/"
    (tmp_path / "kg.toml").write_text('base_iri = "https://b.example.org/kg/"\n')
    s = load_settings(tmp_path)
    assert s.base_iri == "https://b.example.org/kg/"
    assert s.build_dir == tmp_path / "out"
    assert s.with_overrides(base_iri="https://c.example.org/").base_iri == "https://c.example.org/"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('base_iri = "https://x.example.org"\n', "must end with '/'"),
        ('base_iri = "urn:x:"\n', "absolute http"),
        ('bsae_iri = "https://x.example.org/"\n', "unknown setting(s) bsae_iri"),
        ("base_iri = \n", "kg.toml"),
    ],
)
def test_bad_config_is_reported(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "kg.toml").write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(tmp_path)
