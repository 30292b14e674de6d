"""kg: a knowledge-graph builder for the 施策集 of Japan's digital-policy plan.

The data flows one way, one package per stage, over a small kernel (records,
errors, findings, vocabulary, manifest, resources):
reference → read → normalise → curated → rdf → validate → store / query / publish,
orchestrated by kg.build and driven by kg.cli.
"""

__version__ = "0.1.0"
