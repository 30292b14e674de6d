"""``kg serve``: the site of a build served live, with content negotiation on the IRIs themselves.

Ranks above the site stage (it writes the site with :mod:`kg.site` and
queries the build with :mod:`kg.store`), below the command line.
"""

from kg.serve.server import Server, serve

__all__ = ["Server", "serve"]
