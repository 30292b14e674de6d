"""``kg harvest egov``: read the e-Gov data portal's catalog (CKAN Action API) into a graph of its own.

:mod:`kg.harvest.client` talks to the portal (ckanapi, rate limit, retries),
:mod:`kg.harvest.run` pages through it into a raw responses file that a later
run resumes or extends, :mod:`kg.harvest.graph` maps that file to DCAT with
each publisher linked to the gazetteer. The graph (``…/graph/egov``) is
written beside its source file and, when a build folder exists, into it as
one more named graph of its manifest, replaced whole each time: queries and
``kg publish`` then see it like the others. ``--offline`` maps the stored
responses again without asking the portal (after a rebuild, say).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ConfigError
from kg.files import write_text_atomic
from kg.findings import Finding
from kg.harvest.candidates import measures, review_csv, review_markdown
from kg.harvest.client import CkanClient
from kg.harvest.graph import GRAPH_NAME, map_harvest
from kg.harvest.run import RESPONSES, STATE, HarvestResult, State, harvest
from kg.manifest import FILE_NAME, GraphEntry, Manifest, read
from kg.vocabulary import SKOS

#: Where a harvest of the e-Gov portal lives, under the data folder.
FOLDER = Path("harvest") / "egov"
GRAPH_FILE = f"{GRAPH_NAME}.nt"
#: The review report of the candidate links, in the build folder (listed in its manifest).
REVIEW_CSV, REVIEW_MARKDOWN = "egov-review.csv", "egov-review.md"


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
    mapped = map_harvest(folder, folder / RESPONSES, address, base, data_dir,
                         measures(manifest) if manifest else None)
    result.datasets, result.linked = mapped.datasets, mapped.linked
    result.candidates, result.confirmed = len(mapped.candidates), mapped.confirmed
    result.findings += mapped.findings
    result.graph_file = folder / GRAPH_FILE
    write_text_atomic(result.graph_file, mapped.ntriples)
    if manifest is not None and build is not None:
        write_text_atomic(build / GRAPH_FILE, mapped.ntriples)
        entry = GraphEntry(GRAPH_NAME, f"{base}graph/{GRAPH_NAME}", mapped.ntriples.count("\n"),
                           {"ntriples": GRAPH_FILE})
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
