"""Maps of word vectors: UMAP and PCA projections, neighbours and trust, word choices, figures, alignment.

A sibling of ``embedlab.models``, not above it: a map takes a matrix of vectors, and whoever asks for a map of a
trained model's embedding (the Explore page, the CLI) reads those vectors from the run first. ``umap/`` holds the
UMAP algorithm; the modules beside it are the map features built on it.
"""
