"""Labelled text: the ``LabelledDataset`` type, reading uploaded files, the built-in datasets, statistics.

The bottom of the core with ``embedlab.vectors``: it imports nothing of EmbedLab's but errors, text and cache.
"""
