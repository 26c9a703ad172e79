"""Word vectors: the ``WordVectors`` type, reading and writing vector files, similarity, benchmarks.

The bottom of the core with ``embedlab.data``: it imports nothing of EmbedLab's but errors and cache.
"""
