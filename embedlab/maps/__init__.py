"""Maps of word vectors: UMAP and PCA projections, neighbours and trust, word choices, figures, alignment.

The top of the core: a map may be of a vector set or of a trained model's embedding (``embedlab.models``).
"""
