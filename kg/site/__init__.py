"""The linked-open-data site of a build: a page and four RDF files per minted IRI (``kg site``).

Reads a finished build folder (through its manifest) and nothing else: it
ranks with the query and publish stages, below the build, so a site can be
written from any build, including one made elsewhere.
"""

from kg.site.write import SiteResult, write_site

__all__ = ["SiteResult", "write_site"]
