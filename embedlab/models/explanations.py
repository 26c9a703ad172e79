"""Which words drove a prediction: occlusion and integrated gradients, per token.

Both methods work on the model's own token ids (what its TextVectorization makes of
the text), so a contribution belongs to exactly one token the model read:

* **occlusion** — delete each token in turn (the rest shift left, as if the word had
  never been typed) and score every variant in one batched call; a token's
  contribution is ``p(class) − p(class without the token)``.
* **integrated gradients** (Sundararajan et al., 2017) — walk in ``steps`` straight
  steps from a baseline where every word is replaced by the padding embedding to the
  real embeddings, integrate the gradients of ``p(class)`` with respect to the
  embedding output along that path, and multiply by the path; the contributions add
  up to ``p(class | text) − p(class | baseline)`` (completeness). Steps are placed
  where the prediction changes (found by a forward pass on a fine grid), and an
  explanation whose sum still misses says so in its notes.

The layers after the Embedding are called one after another with the padding mask
passed explicitly; this chain is checked once against the whole model, so an odd
model is refused rather than explained wrongly.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.models.prediction import Predictor, check_text

METHODS = ("occlusion", "integrated-gradients")
METHOD_LABELS = {"occlusion": "Occlusion", "integrated-gradients": "Integrated gradients"}
IG_STEPS = 32
# Forward-only points that locate where along the path the prediction changes.
_FINE_GRID = 128
# Above this share of |p(text) - p(baseline)| missing from the sum, the UI says IG is approximate here.
COMPLETENESS_TOLERANCE = 0.1


@dataclass
class TokenContribution:
    """One token's push toward the explained class; ``contribution`` is None for tokens the model did not read."""

    token: str
    contribution: float | None
    in_vocabulary: bool


@dataclass
class Explanation:
    """Per-token contributions to ``p(class_name)`` for one text."""

    method: str
    class_name: str
    probability: float
    tokens: list[TokenContribution]
    baseline_probability: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Sum of the contributions of the tokens the model read."""
        return float(sum(t.contribution for t in self.tokens if t.contribution is not None))


def explain(
    predictor: Predictor,
    text: str,
    method: str = "occlusion",
    class_name: str | None = None,
    steps: int = IG_STEPS,
) -> Explanation:
    """Contributions of each token of ``text`` to ``p(class_name)`` (the predicted class by default).

    Args:
        predictor: a loaded model.
        text: the text a person typed (checked and cut as in ``Predictor.predict``).
        method: ``"occlusion"`` or ``"integrated-gradients"``.
        class_name: the class to explain; None explains the predicted one.
        steps: integrated-gradients path steps (ignored by occlusion).

    Example::

        explain(predictor, "a wonderful film").tokens[1]
        # TokenContribution(token="wonderful", contribution=0.41, in_vocabulary=True)
    """
    if method not in METHODS:
        raise EmbedLabError(f"explanation method '{method}' is not known; pick one of {', '.join(METHODS)}")
    text, notes = check_text(text)
    explainer = _explainer(predictor)
    ids = predictor.token_ids(text)
    read = int(np.count_nonzero(ids))
    if read == 0:
        raise EmbedLabError("the text has no words the model can read; type some words")
    tokens = _token_strings(predictor, text, ids, read)
    if len(tokens) > read:
        notes.append(
            f"the model reads only the first {read} tokens; the other {len(tokens) - read:,} have no contribution"
        )
    if class_name is None:
        class_index = int(np.argmax(predictor.predict_proba([text])[0]))
    elif class_name in predictor.class_names:
        class_index = predictor.class_names.index(class_name)
    else:
        raise EmbedLabError(
            f"class '{class_name}' is not one of this model's classes ({', '.join(predictor.class_names)})"
        )
    if method == "occlusion":
        contributions, probability = explainer.occlusion(ids, read, class_index)
        baseline = None
    else:
        contributions, probability, baseline = explainer.integrated_gradients(ids, class_index, steps)
        moved, summed = probability - baseline, float(np.sum(contributions[:read]))
        if abs(summed - moved) > COMPLETENESS_TOLERANCE * max(abs(moved), 0.01):
            notes.append(
                f"the contributions add up to {summed:+.3f} while the prediction moves {moved:+.3f} from the "
                "all-padding baseline: this model flips abruptly along the path, so the integrated gradients "
                "are approximate here — occlusion may read more clearly"
            )
    result = [
        TokenContribution(token, float(contributions[i]) if i < read else None, known)
        for i, (token, known) in enumerate(tokens)
    ]
    return Explanation(method, predictor.class_names[class_index], float(probability), result, baseline, notes)


class _Explainer:
    """Traced functions from token ids to class probabilities, built once per Predictor."""

    def __init__(self, predictor: Predictor) -> None:
        import tensorflow as tf

        model, embedding = predictor.model, predictor.embedding
        layers = list(model.layers)
        self._tail = layers[layers.index(embedding) + 1:]
        self._masked = bool(embedding.mask_zero)
        self._binary = predictor.binary
        length = predictor.sequence_length
        if not length:
            raise EmbedLabError(
                "this model's TextVectorization has no fixed sequence length, so its tokens cannot be explained"
            )
        self._padding = tf.convert_to_tensor(embedding.embeddings[0])
        self._embed = embedding
        ids_spec = tf.TensorSpec([None, length], tf.int64)
        self._probabilities = tf.function(self._probabilities_of_ids, input_signature=[ids_spec])
        self._gradients = tf.function(
            self._path_gradients,
            input_signature=[tf.TensorSpec([length], tf.int64), tf.TensorSpec([], tf.int32),
                             tf.TensorSpec([], tf.int32)],
        )
        probe = ["a wonderful film", "an awful , boring film !"]
        expected = predictor.predict_proba(probe)
        got = self._probabilities(predictor.vectorizer(tf.constant(probe))).numpy()
        if not np.allclose(expected, got, atol=1e-4):
            raise EmbedLabError(
                "this model's layers after the Embedding are not a simple chain, so its words cannot be "
                "explained; explanations work for models trained by EmbedLab"
            )

    def _head(self, embedded, mask):
        import tensorflow as tf

        x = embedded
        for layer in self._tail:
            kwargs = {}
            if getattr(layer, "_call_has_training_arg", False):
                kwargs["training"] = False
            if self._masked and x.shape.rank == 3 and getattr(layer, "_call_has_mask_arg", False):
                kwargs["mask"] = mask
            x = layer(x, **kwargs)
        if self._binary:
            return tf.concat([1.0 - x, x], axis=-1)
        return x

    def _probabilities_of_ids(self, ids):
        return self._head(self._embed(ids), ids != 0)

    def _path_gradients(self, ids, class_index, steps):
        import tensorflow as tf

        batch = ids[tf.newaxis]
        embedded = self._embed(batch)[0]  # (length, dim)
        baseline = tf.broadcast_to(self._padding, tf.shape(embedded))
        delta = embedded - baseline
        # A trained LSTM often flips from one class to the other within a sliver of the
        # path, which evenly spaced steps straddle. A cheap forward pass on a fine grid
        # finds where p(class) moves, and half of the steps go there (the other half stay
        # evenly spread), so the sum of contributions tracks p(text) - p(baseline).
        fine = tf.linspace(0.0, 1.0, _FINE_GRID + 1)
        fine_mask = tf.repeat(batch != 0, _FINE_GRID + 1, axis=0)
        along = self._head(baseline + fine[:, tf.newaxis, tf.newaxis] * delta, fine_mask)[:, class_index]
        change = tf.abs(along[1:] - along[:-1])
        density = 0.5 * change / (tf.reduce_sum(change) + 1e-12) + 0.5 / _FINE_GRID
        cdf = tf.concat([[0.0], tf.cumsum(density)], axis=0)
        cdf = cdf / cdf[-1]
        quantiles = tf.linspace(0.0, 1.0, steps + 1)
        cell = tf.clip_by_value(tf.searchsorted(cdf, quantiles, side="right") - 1, 0, _FINE_GRID - 1)
        low, high = tf.gather(cdf, cell), tf.gather(cdf, cell + 1)
        bounds = (tf.cast(cell, tf.float32) + (quantiles - low) / tf.maximum(high - low, 1e-12)) / _FINE_GRID
        bounds = tf.clip_by_value(bounds, 0.0, 1.0)
        midpoints, widths = (bounds[1:] + bounds[:-1]) / 2.0, bounds[1:] - bounds[:-1]
        path = baseline + midpoints[:, tf.newaxis, tf.newaxis] * delta
        mask = tf.repeat(batch != 0, steps, axis=0)
        with tf.GradientTape() as tape:
            tape.watch(path)
            probability = self._head(path, mask)[:, class_index]
        gradients = tape.gradient(probability, path)
        integrated = tf.reduce_sum(gradients * widths[:, tf.newaxis, tf.newaxis], axis=0)
        contributions = tf.reduce_sum(integrated * delta, axis=-1)
        return contributions, along[-1], along[0]

    def occlusion(self, ids: np.ndarray, read: int, class_index: int) -> tuple[np.ndarray, float]:
        """(contributions of the first ``read`` tokens, p(class) of the whole text), from one batched call."""
        variants = np.zeros((read + 1, len(ids)), dtype=np.int64)
        variants[0] = ids
        for i in range(read):
            variants[i + 1, : len(ids) - 1] = np.delete(ids, i)
        probabilities = self._probabilities(variants).numpy()[:, class_index]
        return probabilities[0] - probabilities[1:], float(probabilities[0])

    def integrated_gradients(self, ids: np.ndarray, class_index: int, steps: int) -> tuple[np.ndarray, float, float]:
        """(contributions per position, p(class | text), p(class | baseline))."""
        if not 1 <= steps <= 1_000:
            raise EmbedLabError(f"{steps} integrated-gradients steps is out of range; pick 1 to 1,000")
        contributions, probability, baseline = self._gradients(ids.astype(np.int64), class_index, steps)
        return contributions.numpy(), float(probability), float(baseline)


# Keyed by the Keras model, not the Predictor: a server hands each visitor a ``Predictor.named`` view of
# one shared predictor per run, and a view made on every rerun must not trace the explainer again.
_EXPLAINERS: weakref.WeakKeyDictionary[object, _Explainer] = weakref.WeakKeyDictionary()


def _explainer(predictor: Predictor) -> _Explainer:
    """The traced explainer for ``predictor``'s model, built on first use and kept while the model lives."""
    if predictor.model not in _EXPLAINERS:
        _EXPLAINERS[predictor.model] = _Explainer(predictor)
    return _EXPLAINERS[predictor.model]


def _token_strings(predictor: Predictor, text: str, ids: np.ndarray, read: int) -> list[tuple[str, bool]]:
    """The typed tokens with vocabulary status; the vocabulary's own words if Python and TF cut differently."""
    tokens = predictor.tokens_with_status(text)
    expected = [predictor.token_index(token) for token, _ in tokens[:read]]
    if expected == [int(i) for i in ids[:read]]:
        return tokens
    return [(predictor.vocabulary[i], i != 1) for i in ids[:read]]


# At most this many tokens are drawn; a 100,000-character text would otherwise send
# a megabyte of HTML to the browser on every keystroke.
MAX_DRAWN_TOKENS = 400
_TOWARD, _AWAY = (22, 163, 74), (220, 38, 38)


def contributions_html(explanation: Explanation) -> str:
    """The tokens as HTML spans coloured green (toward the class) to red (away), every token escaped.

    The colour strength is relative to the strongest push in this text. Words outside
    the vocabulary are grey, struck through and carry a "?"; tokens past the model's
    window are faded. User text only ever enters the HTML through ``html.escape``.
    """
    import html

    read = [abs(t.contribution) for t in explanation.tokens if t.contribution is not None]
    scale = max(read, default=0.0) or 1.0
    spans = []
    for token in explanation.tokens[:MAX_DRAWN_TOKENS]:
        text = html.escape(token.token, quote=True)
        style = "padding:1px 4px;margin:1px;border-radius:4px;display:inline-block;line-height:1.5;"
        if token.contribution is None:
            title = "not read: beyond the model's window"
            style += "opacity:0.45;"
        else:
            title = f"{token.contribution:+.4f}"
            red, green, blue = _TOWARD if token.contribution >= 0 else _AWAY
            alpha = 0.8 * abs(token.contribution) / scale
            style += f"background:rgba({red},{green},{blue},{alpha:.2f});"
        if not token.in_vocabulary:
            title += " · outside the vocabulary (read as [UNK])"
            text = (
                f'<span style="color:#6b7280;text-decoration:line-through;">{text}</span>'
                '<span style="color:#fff;background:#9ca3af;border-radius:8px;font-size:0.65em;font-weight:700;'
                'padding:0 5px;margin-left:3px;vertical-align:middle;">?</span>'
            )
        spans.append(f'<span class="embedlab-token" title="{html.escape(title)}" style="{style}">{text}</span>')
    hidden = len(explanation.tokens) - MAX_DRAWN_TOKENS
    if hidden > 0:
        spans.append(f'<span style="opacity:0.6;"> … {hidden:,} more tokens, not read by the model</span>')
    return f'<div class="embedlab-tokens" style="font-size:1.1rem;">{" ".join(spans)}</div>'
