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
    # L2 penalty on the Dense layers' weights (Keras' ``L2(l2)``, added to the mean loss); 0 = none.
    l2: float = 0.0

    def validate(self) -> "ModelConfig":
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
        if not 0.0 <= self.l2 <= 1.0:
            raise EmbedLabError(f"L2 penalty {self.l2} is out of range; pick 0 (none) up to 1, e.g. 0.001")
        if not 0.0 < self.learning_rate <= 1.0:
            raise EmbedLabError(f"learning rate {self.learning_rate} is out of range; pick a value like 0.001")
        if self.num_classes < 2:
            raise EmbedLabError("a classifier needs at least 2 classes; pick a label column with 2 or more values")
        return self

    def to_dict(self) -> dict:
        return asdict(self)


def glove_matrix(vocabulary: list[str], vectors: WordVectors, seed: int = 0) -> tuple[np.ndarray, float]:
    """Rows of ``vectors`` in ``vocabulary`` order, and the share of words found.

    Words GloVe lacks get small random rows (scaled like GloVe's own spread) rather
    than zeros, so a fine-tuned model can still move them apart; the padding row is 0.

    Returns:
        ``(matrix, coverage)`` with matrix of shape ``(len(vocabulary), vectors.dim)``.
    """
    rng = np.random.default_rng(seed)
    scale = float(np.asarray(vectors.vectors[:10_000]).std())
    matrix = rng.normal(0.0, scale, size=(len(vocabulary), vectors.dim)).astype(np.float32)
    found = 0
    for row, word in enumerate(vocabulary):
        index = vectors.key_to_index.get(word)
        if index is not None:
            matrix[row] = vectors.vectors[index]
            found += 1
    matrix[PADDING_INDEX] = 0.0
    real_words = max(1, len(vocabulary) - 2)  # padding and [UNK] are not words
    return matrix, found / real_words


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
        vectors: GloVe (or other) vectors; required for the two GloVe embedding kinds.

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
        matrix, coverage = glove_matrix(vocabulary, vectors)
        initializer = keras.initializers.Constant(matrix)
        output_dim, trainable = vectors.dim, config.embedding == "glove-finetuned"
        config.output_dim = output_dim

    regularizer = keras.regularizers.L2(config.l2) if config.l2 > 0 else None
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
        x = keras.layers.Dense(config.token_units, activation="relu", kernel_regularizer=regularizer,
                               name="token_projection")(x)
    x = _encoder(config)(x)
    if config.hidden_units > 0:
        x = keras.layers.Dense(config.hidden_units, activation="relu", kernel_regularizer=regularizer,
                               name="hidden")(x)
    if config.dropout > 0:
        x = keras.layers.Dropout(config.dropout, name="dropout")(x)
    if config.num_classes == 2:
        outputs = keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=regularizer, name="prediction")(x)
        loss = "binary_crossentropy"
    else:
        outputs = keras.layers.Dense(config.num_classes, activation="softmax", kernel_regularizer=regularizer,
                                     name="prediction")(x)
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
