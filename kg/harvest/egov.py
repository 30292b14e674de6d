"""``kg harvest egov`` as one library call: harvest (or not, offline), map, and add the graph to a build.

Apart from the package's ``__init__`` so that knowing where a harvest lives (``kg build`` asks)
does not import the HTTP client.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ConfigError
from kg.files import write_text_atomic
from kg.findings import Finding
from kg.harvest import FOLDER, GRAPH_FILE, GRAPH_NAME, REVIEW_CSV, REVIEW_MARKDOWN
from kg.harvest.candidates import measures, review_csv, review_markdown
from kg.harvest.client import CkanClient
from kg.harvest.graph import map_harvest
from kg.harvest.run import RESPONSES, STATE, HarvestResult, State, harvest
from kg.manifest import FILE_NAME, GraphEntry, Manifest, read
from kg.vocabulary import SKOS


@dataclass
class EgovHarvest:
    folder: Path
    run: HarvestResult | None  # None: --offline
    datasets: int = 0
    linked: dict[str, int] = field(default_factory=dict)
    candidates: int = 0
    confirmed: int = 0
    graph_file: Path | None = None
    build: Path | None = None  # the build folder the graph was added to
    findings: list[Finding] = field(default_factory=list)


def harvest_egov(
    address: str,
    data_dir: Path,
    build_dir: Path,
    base_iri: str,
    *,
    rows: int = 100,
    delay: float = 1.0,
    timeout: float = 30.0,
    retries: int = 4,
    full: bool = False,
    offline: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> EgovHarvest:
    """Harvest ``address`` (unless ``offline``), then map everything harvested so far to the graph."""
    folder = data_dir / FOLDER
    run: HarvestResult | None = None
    if offline:
        if not (folder / RESPONSES).is_file():
            raise ConfigError(f"{folder / RESPONSES}: nothing harvested yet (run without --offline first)")
        state = State.load(folder / STATE, None)
        if not state.done:
            raise ConfigError(f"{folder}: the last harvest did not finish; run it again to resume")
        address = state.address  # the site the stored answers came from
    else:
        client = CkanClient(address, delay=delay, timeout=timeout, retries=retries)
        run = harvest(client, folder, rows=rows, full=full, progress=progress)
    result = EgovHarvest(folder, run, findings=list(run.findings) if run else [])
    if run is not None and not run.complete:
        return result  # the graph is made from complete harvests only
    build = build_dir if (build_dir / FILE_NAME).is_file() else None
    manifest = read(build) if build else None
    base = manifest.base_iri if manifest else base_iri
    mapped = map_harvest(
        folder, folder / RESPONSES, address, base, data_dir, measures(manifest) if manifest else None
    )
    result.datasets, result.linked = mapped.datasets, mapped.linked
    result.candidates, result.confirmed = len(mapped.candidates), mapped.confirmed
    result.findings += mapped.findings
    result.graph_file = folder / GRAPH_FILE
    write_text_atomic(result.graph_file, mapped.ntriples)
    if manifest is not None and build is not None:
        write_text_atomic(build / GRAPH_FILE, mapped.ntriples)
        entry = GraphEntry(
            GRAPH_NAME, f"{base}graph/{GRAPH_NAME}", mapped.ntriples.count("\n"), {"ntriples": GRAPH_FILE}
        )
        graphs = (*(g for g in manifest.graphs if g.name != GRAPH_NAME), entry)
        names = _organization_names(build, manifest)
        write_text_atomic(build / REVIEW_CSV, review_csv(list(mapped.candidates), names))
        write_text_atomic(build / REVIEW_MARKDOWN, review_markdown(list(mapped.candidates), names))
        dataset = {**manifest.dataset, "egov_review_csv": REVIEW_CSV, "egov_review_markdown": REVIEW_MARKDOWN}
        dataclasses.replace(manifest, graphs=graphs, dataset=dataset).write(build)
        result.build = build
    return result


def _organization_names(build: Path, manifest: Manifest) -> dict[str, str]:
    """Organisation IRI → its Japanese name, from the build's reference graph (for the review report)."""
    from pyoxigraph import Literal as Lit
    from pyoxigraph import RdfFormat, parse

    names: dict[str, str] = {}
    for g in manifest.graphs:
        if g.name != "reference":
            continue
        with manifest.ntriples(g).open("rb") as fh:
            for t in parse(fh, format=RdfFormat.N_TRIPLES):
                o = t.object
                if t.predicate.value == SKOS + "prefLabel" and isinstance(o, Lit) and o.language == "ja":
                    names[t.subject.value] = o.value
    return names
