"""Token contributions: occlusion equals deleting the word, integrated gradients add up, HTML stays text."""

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.architecture import ENCODERS, ModelConfig, build_model, build_vectorizer
from embedlab.models.explanations import COMPLETENESS_TOLERANCE, contributions_html, explain
from embedlab.models.prediction import Predictor
from tests.conftest import NEGATIVE_SENTENCES, POSITIVE_SENTENCES


@pytest.fixture(scope="module")
def predictor(tiny_run):
    return Predictor.from_run(tiny_run)


def _without(text: str, token: str) -> str:
    words = text.split()
    words.remove(token)
    return " ".join(words)


def test_removing_the_top_positive_word_lowers_the_positive_score(predictor):
    text = "a wonderful film with a dull script"
    explanation = explain(predictor, text, method="occlusion", class_name="positive")
    top = max(explanation.tokens, key=lambda token: token.contribution)
    assert top.token == "wonderful"
    before = predictor.predict_one(text)["positive"]
    after = predictor.predict_one(_without(text, top.token))["positive"]
    assert after < before
    # Occlusion's number is exactly that drop: the batched variants are the texts without each word.
    assert top.contribution == pytest.approx(before - after, abs=1e-5)
    assert explanation.probability == pytest.approx(before, abs=1e-6)


def test_the_predicted_class_is_explained_by_default(predictor):
    explanation = explain(predictor, "a boring and awful film")
    assert explanation.class_name == "negative"
    assert max(explanation.tokens, key=lambda token: token.contribution).token in {"boring", "awful"}


def test_integrated_gradients_are_complete(predictor):
    text = "a wonderful , moving film but a dull story"
    explanation = explain(predictor, text, method="integrated-gradients", class_name="positive")
    moved = explanation.probability - explanation.baseline_probability
    assert abs(moved) > 0.05  # the test means something only if the text moves the prediction
    assert explanation.total == pytest.approx(moved, abs=COMPLETENESS_TOLERANCE * abs(moved))
    assert explanation.notes == []
    top = max(explanation.tokens, key=lambda token: token.contribution)
    assert top.token in {"wonderful", "moving"}


def test_explaining_the_other_binary_class_flips_every_sign(predictor):
    text = "great acting but a stupid story"
    for method in ("occlusion", "integrated-gradients"):
        positive = explain(predictor, text, method=method, class_name="positive")
        negative = explain(predictor, text, method=method, class_name="negative")
        np.testing.assert_allclose([t.contribution for t in positive.tokens],
                                   [-t.contribution for t in negative.tokens], atol=1e-5)


@pytest.mark.parametrize("encoder", ENCODERS)
def test_every_encoder_can_be_explained_consistently(encoder):
    """Untrained models of each encoder: occlusion matches real deletions; IG adds up."""
    import keras

    keras.utils.set_random_seed(3)
    texts = POSITIVE_SENTENCES + NEGATIVE_SENTENCES
    config = ModelConfig(max_tokens=100, sequence_length=10, encoder=encoder, output_dim=6, units=6, dropout=0.3)
    predictor = Predictor(build_model(config, build_vectorizer(config, texts)), ["negative", "positive"])
    text = "a wonderful , moving and beautiful film"
    occlusion = explain(predictor, text, method="occlusion", class_name="positive")
    whole = predictor.predict_one(text)["positive"]
    dropped = [whole - predictor.predict_one(_without(text, t.token))["positive"] for t in occlusion.tokens]
    np.testing.assert_allclose([t.contribution for t in occlusion.tokens], dropped, atol=1e-5)
    gradients = explain(predictor, text, method="integrated-gradients", class_name="positive")
    moved = gradients.probability - gradients.baseline_probability
    assert gradients.total == pytest.approx(moved, abs=max(COMPLETENESS_TOLERANCE * abs(moved), 1e-4))


def test_unknown_and_unread_tokens_are_marked(predictor):
    text = "zzzq " + "wonderful film " * 20  # 41 tokens; the model reads 16
    explanation = explain(predictor, text, method="occlusion")
    assert explanation.tokens[0].token == "zzzq" and not explanation.tokens[0].in_vocabulary
    assert explanation.tokens[1].in_vocabulary
    read = [t for t in explanation.tokens if t.contribution is not None]
    assert len(read) == predictor.sequence_length
    assert all(t.contribution is None for t in explanation.tokens[predictor.sequence_length:])
    assert any("first 16 tokens" in note for note in explanation.notes)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"method": "shap"}, "method 'shap' is not known"), ({"class_name": "happy"}, "class 'happy' is not one")],
)
def test_bad_requests_say_what_is_possible(predictor, kwargs, message):
    with pytest.raises(EmbedLabError, match=message):
        explain(predictor, "a film", **kwargs)


def test_empty_text_is_refused(predictor):
    with pytest.raises(EmbedLabError, match="type some text"):
        explain(predictor, "  ")


def test_tokens_reach_html_only_escaped(predictor):
    explanation = explain(predictor, 'wonderful <b>b</b><script>" x', class_name="positive")
    markup = contributions_html(explanation)
    assert "<b>" not in markup and "<script" not in markup and "</script>" not in markup
    assert "&lt;" in markup and "&gt;" in markup and "&quot;" in markup
    assert markup.count('class="embedlab-token"') == len(explanation.tokens)
    green = markup.split(">wonderful<")[0].rsplit("<span", 1)[1]
    assert "rgba(22,163,74" in green  # "wonderful" pushes toward "positive": green


def test_named_views_of_one_predictor_share_one_traced_explainer(predictor):
    from embedlab.models.explanations import _explainer

    alice, bob = predictor.named("alice's run"), predictor.named("bob's run")

    assert _explainer(alice) is _explainer(bob) is _explainer(predictor)
    assert explain(alice, "a wonderful film").tokens == explain(bob, "a wonderful film").tokens
