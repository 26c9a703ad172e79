"""Keras models of text: their architecture, training, saved runs, evaluation, prediction and explanations.

Built on ``embedlab.vectors`` (pre-trained embeddings) and ``embedlab.data`` (what is trained on).
"""
