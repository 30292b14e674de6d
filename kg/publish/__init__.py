"""Publishing a build to a triple store (``kg publish``).

:func:`publish` replaces each named graph of a build on a store atomically and
checks the result; see :mod:`kg.publish.publish` for how, and docs/stores.md
for the measurements behind the choice.
"""

from __future__ import annotations

from kg.publish.http import HttpClient, NoAnswer, Payload, RetryPolicy
from kg.publish.publish import STAGING_SUFFIX, GraphPublished, PublishReport, publish
from kg.publish.store import Endpoints, StoreClient

__all__ = [
    "STAGING_SUFFIX",
    "Endpoints",
    "GraphPublished",
    "HttpClient",
    "NoAnswer",
    "Payload",
    "PublishReport",
    "RetryPolicy",
    "StoreClient",
    "publish",
]
