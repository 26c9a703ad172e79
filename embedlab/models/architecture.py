"""The classic word-embedding classifier in modern Keras 3.

    raw string → TextVectorization → Embedding → encoder → Dense

``TextVectorization`` lives inside the model, so a saved ``.keras`` file takes raw
strings. The embedding is random and trainable, GloVe frozen, or GloVe fine-tuned;
GloVe rows reach the layer through ``embeddings_initializer=Constant(matrix)``.
TensorFlow is imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors

EMBEDDING_KINDS = ("random", "glove-frozen", "glove-finetuned")
ENCODERS = ("lstm", "bilstm", "gru", "conv1d", "pooling")
ENCODER_LABELS = {
    "lstm": "LSTM",
    "bilstm": "Bidirectional LSTM",
    "gru": "GRU",
    "conv1d": "Conv1D + max pooling",
    "pooling": "Average pooling",
}
EMBEDDING_LABELS = {
    "random": "Random, trainable",
    "glove-frozen": "GloVe, frozen",
    "glove-finetuned": "GloVe, fine-tuned",
}
# TextVectorization's fixed rows: 0 is padding (masked), 1 is "[UNK]" (out of vocabulary).
PADDING_INDEX, OOV_INDEX = 0, 1


@dataclass
class ModelConfig:
    """Everything that decides a model's shape; stored with every run as JSON."""

    max_tokens: int = 20_000
    sequence_length: int = 64
    embedding: str = "random"
    output_dim: int = 50
    encoder: str = "lstm"
    units: int = 64
    dropout: float = 0.2
    learning_rate: float = 1e-3
    num_classes: int = 2
    # Drops whole embedding channels during training (0 = no layer); helps fine-tuned GloVe not overfit.
    spatial_dropout: float = 0.0
    # A ReLU layer between the encoder and the output (0 = none); lets average pooling of frozen vectors
    # combine dimensions non-linearly instead of being a linear classifier on the mean vector.
    hidden_units: int = 0
    # A ReLU layer applied to every token's vector before the encoder (0 = none): frozen vectors get a
    # learned, non-linear view (average pooling can then weigh sentiment words above filler words).
    token_units: int = 0
    # Words of the pre-trained vectors added to a GloVe model's vocabulary after the training texts'
    # own (most frequent first; 0 = none). A test text's word the training texts lack then keeps its
    # vector instead of becoming [UNK]: with 100 training texts, a third of test tokens are such words.
    pretrained_vocabulary: int = 100_000

    def validate(self) -> ModelConfig:
        """Raise EmbedLabError if a field is out of range; return self for chaining."""
        if self.embedding not in EMBEDDING_KINDS:
            raise EmbedLabError(
                f"embedding '{self.embedding}' is not known; expected one of {', '.join(EMBEDDING_KINDS)}"
            )
        if self.encoder not in ENCODERS:
            raise EmbedLabError(f"encoder '{self.encoder}' is not known; expected one of {', '.join(ENCODERS)}")
        if not 100 <= self.max_tokens <= 400_000:
            raise EmbedLabError(f"vocabulary size {self.max_tokens} is out of range; pick 100 to 400,000")
        if not 4 <= self.sequence_length <= 2_000:
            raise EmbedLabError(f"sequence length {self.sequence_length} is out of range; pick 4 to 2,000 tokens")
        if not 2 <= self.output_dim <= 1_024:
            raise EmbedLabError(f"embedding size {self.output_dim} is out of range; pick 2 to 1,024")
        if not 0.0 <= self.dropout < 1.0 or not 0.0 <= self.spatial_dropout < 1.0:
            raise EmbedLabError("dropout rates must be at least 0 and below 1; pick for example 0.2")
        if not 1 <= self.units <= 4_096:
            raise EmbedLabError(f"encoder size {self.units} is out of range; pick 1 to 4,096 units")
        if not 0 <= self.token_units <= 4_096:
            raise EmbedLabError(f"token layer size {self.token_units} is out of range; pick 0 (none) to 4,096")
        if not 0 <= self.hidden_units <= 4_096:
            raise EmbedLabError(f"hidden layer size {self.hidden_units} is out of range; pick 0 (none) to 4,096")
        if not 0 <= self.pretrained_vocabulary <= 1_000_000:
            raise EmbedLabError(f"pre-trained vocabulary {self.pretrained_vocabulary} is out of range; "
                                "pick 0 (only the training texts' words) to 1,000,000")
        if not 0.0 < self.learning_rate <= 1.0:
            raise EmbedLabError(f"learning rate {self.learning_rate} is out of range; "
                                "pick a value above 0 and at most 1, like 0.001")
        if self.num_classes < 2:
            raise EmbedLabError("a classifier needs at least 2 classes; pick a label column with 2 or more values")
        return self

    def to_dict(self) -> dict:
        return asdict(self)


# What EmbedLab recommends per encoder (the same for every embedding, so they compare fairly) and,
# for average pooling, per embedding; measured on Rotten Tomatoes (bench/journal/2026-11-30.md, "Study").
ENCODER_DEFAULTS = {
    "lstm": {"units": 64, "dropout": 0.4, "spatial_dropout": 0.2, "learning_rate": 1e-3},
    "bilstm": {"units": 64, "dropout": 0.4, "spatial_dropout": 0.2, "learning_rate": 1e-3},
    "gru": {"units": 64, "dropout": 0.4, "spatial_dropout": 0.2, "learning_rate": 1e-3},
    # Spatial dropout starves frozen 50d vectors; a token layer before the filters lifts them.
    "conv1d": {"units": 128, "dropout": 0.5, "token_units": 128, "learning_rate": 5e-4},
    # 1e-2 kept random embeddings' best epoch at the first on 10,000 rows (79.5%); 3e-3 reaches 80.2%.
    "pooling": {"units": 64, "dropout": 0.2, "learning_rate": 3e-3},
}
# Frozen rows cost nothing to train, so frozen GloVe takes 100,000 of its words; every fine-tuned row
# is updated at every step, so fine-tuning takes fewer (a 100,000-row layer trained 5x slower).
EMBEDDING_DEFAULTS = {"glove-finetuned": {"pretrained_vocabulary": 20_000}}
POOLING_DEFAULTS = {
    # Frozen vectors averaged straight are a linear classifier on the mean vector, no better than the
    # logistic-regression baseline; a ReLU layer on every token lets the mean weigh words non-linearly.
    "glove-frozen": {"token_units": 256, "dropout": 0.2},
    # No dropout: the setting the Study figures in bench/journal/2026-11-30.md were measured with.
    "glove-finetuned": {"dropout": 0.0},
}
def default_config(embedding: str = "random", encoder: str = "pooling", texts: list[str] | None = None,
                   **changes) -> ModelConfig:
    """The model EmbedLab recommends for ``embedding`` and ``encoder``: what the Train page and CLI start from.

    Args:
        texts: the training texts; the sequence length is then the 95th percentile of their
            lengths (``embedlab.data.stats.default_sequence_length``), else 64.
        changes: any ``ModelConfig`` field, overriding the recommendation.

    Example::

        default_config("glove-frozen", "pooling").token_units   # 256
    """
    if embedding not in EMBEDDING_KINDS or encoder not in ENCODERS:
        ModelConfig(embedding=embedding, encoder=encoder).validate()  # raises the message naming the choices
    settings = {**ENCODER_DEFAULTS[encoder], **EMBEDDING_DEFAULTS.get(embedding, {}),
                **(POOLING_DEFAULTS.get(embedding, {}) if encoder == "pooling" else {})}
    if texts is not None and "sequence_length" not in changes:
        from embedlab.data.stats import default_sequence_length

        settings["sequence_length"] = default_sequence_length(list(texts))
    return ModelConfig(embedding=embedding, encoder=encoder, **{**settings, **changes}).validate()


def glove_matrix(vocabulary: list[str], vectors: WordVectors, seed: int = 0, unknown: str = "random",
                 counted: int | None = None) -> tuple[np.ndarray, float]:
    """Rows of ``vectors`` in ``vocabulary`` order, and the share of words found.

    Words the vectors lack (and ``[UNK]``) get small random rows scaled like the vectors' own
    spread when ``unknown="random"``, so a fine-tuned model can move them apart; with
    ``unknown="zeros"`` they get zero rows, which a frozen layer must use: a fixed random
    row is noise added to every mean it enters. The padding row is 0.

    Args:
        counted: the coverage counts only the first ``counted`` entries (the training texts'
            own words, before any added from the vectors); None: the whole vocabulary.

    Returns:
        ``(matrix, coverage)`` with matrix of shape ``(len(vocabulary), vectors.dim)``.
    """
    rng = np.random.default_rng(seed)
    scale = float(np.asarray(vectors.vectors[:10_000]).std())
    if unknown == "zeros":
        matrix = np.zeros((len(vocabulary), vectors.dim), dtype=np.float32)
    else:
        matrix = rng.normal(0.0, scale, size=(len(vocabulary), vectors.dim)).astype(np.float32)
    counted = len(vocabulary) if counted is None else counted
    lookup = vectors.key_to_index.get
    indices = np.fromiter((lookup(word, -1) for word in vocabulary), dtype=np.int64, count=len(vocabulary))
    rows = np.flatnonzero(indices >= 0)
    matrix[rows] = vectors.vectors[indices[rows]]  # one gather: row by row from a memory map was ~0.5 s per model
    found = int(np.count_nonzero(rows < counted))
    matrix[PADDING_INDEX] = 0.0
    real_words = max(1, counted - 2)  # padding and [UNK] are not words
    return matrix, found / real_words


def add_pretrained_words(vectorizer, vectors: WordVectors, limit: int):
    """An adapted vectorizer's vocabulary followed by up to ``limit`` of the vectors' words (most frequent first).

    The training texts' own words keep their places in front. Returns ``(vectorizer, own)``:
    a new TextVectorization with the same rules and no ``max_tokens`` cap (or the same one
    when nothing is added), and how many entries the vocabulary had before (padding and
    ``[UNK]`` included), so coverage can be read off the training texts' words alone.
    """
    import keras

    vocabulary = vectorizer.get_vocabulary()
    own = len(vocabulary)
    seen = set(vocabulary)
    added = [word for word in vectors.words[:limit] if word and word not in seen and not seen.add(word)]
    if not added:
        return vectorizer, own
    settings = vectorizer.get_config()
    extended = keras.layers.TextVectorization(
        max_tokens=None, standardize=settings["standardize"], split=settings["split"], ngrams=settings["ngrams"],
        output_mode=settings["output_mode"], output_sequence_length=settings["output_sequence_length"],
        name=settings["name"],
    )
    extended.set_vocabulary(vocabulary[2:] + added)  # padding and [UNK] are put back in front by Keras
    return extended, own


def build_vectorizer(config: ModelConfig, texts: list[str]):
    """A TextVectorization adapted on ``texts`` with the current GloVe-style rules (``embedlab.text``).

    The rules are saved in the model by their registered name, so a model keeps the rules it was
    trained with. Raises EmbedLabError when no text has a single word (the model would fail later
    inside TensorFlow with "Table not initialized").
    """
    import keras

    from embedlab.text import CURRENT_STANDARDIZER, STANDARDIZERS, register_with_keras

    register_with_keras()
    vectorizer = keras.layers.TextVectorization(
        max_tokens=config.max_tokens,
        output_sequence_length=config.sequence_length,
        standardize=STANDARDIZERS[CURRENT_STANDARDIZER][0],
        name="text_vectorization",
    )
    vectorizer.adapt(np.asarray(texts, dtype=object), batch_size=1024)
    if vectorizer.vocabulary_size() <= 2:  # padding and [UNK] only
        raise EmbedLabError(
            f"no training text has a word: all {len(texts):,} are empty or hold only spaces, line breaks or "
            "invisible control characters, and a model needs words to learn from; check the text column "
            "(pick the column that holds the texts, or re-save the file as UTF-8 if it came out garbled)"
        )
    return vectorizer


def build_model(config: ModelConfig, vectorizer, vectors: WordVectors | None = None):
    """Build and compile the classifier.

    Args:
        config: the shape of the model (see ``ModelConfig``).
        vectorizer: an adapted TextVectorization (from ``build_vectorizer``).
        vectors: GloVe (or other) vectors; required for the two GloVe embedding kinds. Their
            ``config.pretrained_vocabulary`` most frequent words are added to the vectorizer's
            vocabulary (``add_pretrained_words``), in a copy of ``vectorizer`` that the model holds.
            The embedding then has their size whatever ``config.output_dim`` says; ``config`` is not changed.

    Returns:
        a compiled ``keras.Model`` taking a batch of raw strings, shape ``(batch,)``;
        its ``embedding_coverage`` attribute holds the share of vocabulary found in the
        vectors (``None`` for random embeddings).
    """
    import keras

    config.validate()
    vocabulary = vectorizer.get_vocabulary()
    vocab_size = len(vocabulary)
    coverage = None
    if config.embedding == "random":
        initializer, output_dim, trainable = "uniform", config.output_dim, True
    else:
        if vectors is None:
            raise EmbedLabError(f"embedding '{config.embedding}' needs word vectors; load GloVe or pick 'random'")
        vectorizer, own = add_pretrained_words(vectorizer, vectors, config.pretrained_vocabulary)
        vocabulary = vectorizer.get_vocabulary()
        vocab_size = len(vocabulary)
        frozen = config.embedding == "glove-frozen"
        matrix, coverage = glove_matrix(vocabulary, vectors, unknown="zeros" if frozen else "random", counted=own)
        initializer = keras.initializers.Constant(matrix)
        output_dim, trainable = vectors.dim, config.embedding == "glove-finetuned"

    inputs = keras.Input(shape=(), dtype="string", name="text")
    token_ids = vectorizer(inputs)
    embedding = keras.layers.Embedding(
        vocab_size,
        output_dim,
        # Conv1D cannot take a mask; its max pooling makes the padded tail harmless anyway.
        mask_zero=config.encoder != "conv1d",
        embeddings_initializer=initializer,
        trainable=trainable,
        name="embedding",
    )
    x = embedding(token_ids)
    if config.spatial_dropout > 0:
        x = keras.layers.SpatialDropout1D(config.spatial_dropout, name="spatial_dropout")(x)
    if config.token_units > 0:
        x = keras.layers.Dense(config.token_units, activation="relu", name="token_projection")(x)
    x = _encoder(config)(x)
    if config.hidden_units > 0:
        x = keras.layers.Dense(config.hidden_units, activation="relu", name="hidden")(x)
    if config.dropout > 0:
        x = keras.layers.Dropout(config.dropout, name="dropout")(x)
    if config.num_classes == 2:
        outputs = keras.layers.Dense(1, activation="sigmoid", name="prediction")(x)
        loss = "binary_crossentropy"
    else:
        outputs = keras.layers.Dense(config.num_classes, activation="softmax", name="prediction")(x)
        loss = "sparse_categorical_crossentropy"
    model = keras.Model(inputs, outputs, name=f"embedlab_{config.embedding}_{config.encoder}".replace("-", "_"))
    # The weights now hold the matrix; without this swap the .keras config.json would
    # carry the whole matrix a second time as JSON text (20 MB for 20k x 50).
    embedding.embeddings_initializer = keras.initializers.get("zeros")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate),
        loss=loss,
        metrics=["accuracy"],
    )
    model.embedding_coverage = coverage
    return model


def _encoder(config: ModelConfig):
    import keras
    from keras import layers

    units = config.units
    if config.encoder == "lstm":
        return layers.LSTM(units, name="encoder")
    if config.encoder == "gru":
        return layers.GRU(units, name="encoder")
    if config.encoder == "bilstm":
        return layers.Bidirectional(layers.LSTM(units), name="encoder")
    if config.encoder == "conv1d":
        return keras.Sequential(
            [layers.Conv1D(units, 5, padding="same", activation="relu"), layers.GlobalMaxPooling1D()],
            name="encoder",
        )
    return layers.GlobalAveragePooling1D(name="encoder")  # respects the mask: padding is not averaged in


def embedding_layer(model):
    """The model's Embedding layer; EmbedLabError if it has none."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return layer
    raise EmbedLabError(
        "this model has no Embedding layer, so it has no word vectors to show; pick a run trained by EmbedLab"
    )


def vectorizer_layer(model):
    """The model's TextVectorization layer; EmbedLabError if it has none."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.TextVectorization):
            return layer
    raise EmbedLabError(
        "this model has no TextVectorization layer, so it cannot read raw text; "
        "use a .keras model saved by EmbedLab"
    )
