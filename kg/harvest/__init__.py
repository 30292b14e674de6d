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

from pathlib import Path

#: The named graph of a harvested catalog (``…/graph/egov``).
GRAPH_NAME = "egov"
#: Where a harvest of the e-Gov portal lives, under the data folder, and its graph's file.
FOLDER = Path("harvest") / "egov"
GRAPH_FILE = f"{GRAPH_NAME}.nt"
#: The review report of the candidate links, in the build folder (listed in its manifest).
REVIEW_CSV, REVIEW_MARKDOWN = "egov-review.csv", "egov-review.md"
