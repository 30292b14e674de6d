"""kg: a knowledge-graph builder for the 施策集 of Japan's digital-policy plan.

The data flows one way, one package per stage:
read → normalise → model → rdf (map) → validate → store / query / publish.
"""

__version__ = "0.1.0"
