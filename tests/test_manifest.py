"""The build manifest: written and read back the same, malformed ones refused naming the file."""

from __future__ import annotations

import json
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.manifest import FORMAT, Digests, EditionEntry, GraphEntry, Manifest, read, verify


def _manifest() -> Manifest:
    return Manifest(
        generator="kg 0.1.0",
        base_iri="https://kg.example.jp/",
        editions=(EditionEntry(2023, date(2023, 6, 9), "source.txt"),),
        graphs=(
            GraphEntry("ontology", "https://kg.example.jp/graph/ontology", 3, {"ntriples": "ontology.nt"}),
            GraphEntry(
                "plan-2023", "https://kg.example.jp/graph/plan/2023", 5,
                {"ntriples": "plan-2023.nt", "turtle": "plan-2023.ttl"},
            ),
        ),
        dataset={"trig": "dataset.trig"},
    )


def _written(tmp_path: Path) -> Path:
    manifest = _manifest()
    for name in ("plan-2023.ttl", "dataset.trig"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "ontology.nt").write_text("<a:s> <a:p> <a:o1> .\n" * 3, encoding="utf-8")
    (tmp_path / "plan-2023.nt").write_text("<a:s> <a:p> <a:o2> .\n" * 5, encoding="utf-8")
    manifest.write(tmp_path)
    return tmp_path / "manifest.json"


def test_round_trip(tmp_path: Path) -> None:
    path = _written(tmp_path)
    back = read(tmp_path)
    assert back == _manifest()
    assert back.directory == tmp_path
    assert back.graph_iris == ["https://kg.example.jp/graph/ontology", "https://kg.example.jp/graph/plan/2023"]
    assert back.ntriples(back.graphs[1]) == tmp_path / "plan-2023.nt"
    assert path.read_text(encoding="utf-8") == back.to_json()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_json_layout(tmp_path: Path) -> None:
    """Keys sorted, one-space indent, a graph's files beside its name: what builds have always written."""
    data = json.loads(_written(tmp_path).read_text(encoding="utf-8"))
    assert data["editions"] == [{"year": 2023, "decided": "2023-06-09", "source": "source.txt"}]
    assert data["graphs"][1] == {
        "name": "plan-2023", "iri": "https://kg.example.jp/graph/plan/2023", "triples": 5,
        "ntriples": "plan-2023.nt", "turtle": "plan-2023.ttl",
    }
    assert data["format"] == FORMAT == "kg-build-manifest/1"
    assert sorted(data["sha256"]) == ["dataset.trig", "ontology.nt", "plan-2023.nt", "plan-2023.ttl"]
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert data["sha256"]["dataset.trig"] == empty
    text = read(tmp_path).to_json()
    assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_written_with_the_umask_mode(tmp_path: Path) -> None:
    """Not the private mode of a temporary file: a build folder is meant to be read by others."""
    path = _written(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE((tmp_path / "ontology.nt").stat().st_mode)


def test_no_manifest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"is not a build directory \(no manifest.json\)"):
        read(tmp_path)


def _rewrite(path: Path, change: object) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert callable(change)
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("graphs"),
        lambda d: d.pop("base_iri"),
        lambda d: d["graphs"][0].pop("ntriples"),
        lambda d: d["graphs"][0].update(triples="3"),
        lambda d: d["graphs"][0].update(name=None),
        lambda d: d["editions"][0].update(decided="9 June 2023"),
        lambda d: d.update(dataset=["dataset.trig"]),
        lambda d: d["graphs"][0].update(ntriples="../elsewhere.nt"),
        lambda d: d.pop("format"),
        lambda d: d.update(format="kg-build-manifest/99"),
        lambda d: d["sha256"].pop("plan-2023.ttl"),
        lambda d: d.pop("sha256"),
    ],
    ids=[
        "no-graphs", "no-base", "no-ntriples", "count-text", "name-null", "bad-date", "dataset-list", "path",
        "no-format", "other-format", "a-file-unhashed", "no-hashes",
    ],
)
def test_malformed_names_the_file(tmp_path: Path, change: object) -> None:
    path = _written(tmp_path)
    _rewrite(path, change)
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}: not a kg build manifest"):
        read(tmp_path)


@pytest.mark.parametrize("text", ["", "{", "[]", "\ufeff{}", "null"])
def test_not_json_or_not_an_object(tmp_path: Path, text: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}: not a kg build manifest"):
        read(tmp_path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = _written(tmp_path)
    (tmp_path / "plan-2023.ttl").unlink()
    missing = f"{path}: graph plan-2023 lists plan-2023.ttl, which is missing"
    with pytest.raises(ConfigError, match=f"^{re.escape(missing)}$"):
        read(tmp_path)
    (tmp_path / "plan-2023.ttl").write_text("", encoding="utf-8")
    (tmp_path / "dataset.trig").unlink()
    with pytest.raises(ConfigError, match=re.escape("the dataset lists dataset.trig, which is missing")):
        read(tmp_path)


def test_a_web_apps_manifest_is_not_a_kg_manifest(tmp_path: Path) -> None:
    """Issue 13, point 1: a file merely named manifest.json (a web app's) is not a build's."""
    path = tmp_path / "manifest.json"
    path.write_text('{"name": "My App", "start_url": "/", "icons": []}', encoding="utf-8")
    with pytest.raises(ConfigError, match="no format marker 'kg-build-manifest/1'"):
        read(tmp_path)


def test_verify_accepts_the_build_as_written(tmp_path: Path) -> None:
    _written(tmp_path)
    verify(read(tmp_path))


def test_verify_names_a_file_changed_after_the_build(tmp_path: Path) -> None:
    _written(tmp_path)
    manifest = read(tmp_path)
    (tmp_path / "plan-2023.nt").write_text("<a:s> <a:p> <a:o2> .\n" * 2, encoding="utf-8")  # truncated
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(tmp_path / 'plan-2023.nt'))}: differs from"):
        verify(manifest)


def test_verify_checks_the_triple_counts(tmp_path: Path) -> None:
    """A manifest whose hashes match but whose count does not (edited by hand) is refused too."""
    path = _written(tmp_path)
    _rewrite(path, lambda d: d["graphs"][1].update(triples=6))
    with pytest.raises(ConfigError, match=r"5 triples, the manifest .* says 6"):
        verify(read(tmp_path))


def test_digests_worked_out_beside_the_build_are_the_files_own(tmp_path: Path) -> None:
    """A build hashes its large files in a thread as they are finished, and hands the digests over."""
    path = _written(tmp_path)
    expected = json.loads(path.read_text(encoding="utf-8"))["sha256"]
    digests = Digests()
    for name in ("plan-2023.nt", "ontology.nt"):
        digests.add(tmp_path / name)
    known = digests.results()
    digests.close()
    assert known == {name: expected[name] for name in ("plan-2023.nt", "ontology.nt")}
    path.unlink()
    _manifest().write(tmp_path, known)  # the other files are hashed here
    assert json.loads(path.read_text(encoding="utf-8"))["sha256"] == expected
    verify(read(tmp_path))


def test_a_digest_of_a_file_that_cannot_be_read_fails_when_asked_for(tmp_path: Path) -> None:
    digests = Digests()
    digests.add(tmp_path / "gone.nt")
    with pytest.raises(FileNotFoundError):
        digests.results()
    digests.close()
