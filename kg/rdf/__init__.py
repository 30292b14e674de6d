"""Stage 4, map: model records → RDF quads (pyoxigraph terms), and the writers of the dumps."""
