"""The standard word-vector benchmarks, scored exactly as gensim 4.4 scores them, only faster.

* Google analogies (``questions-words.txt``): accuracy per section and in total, like
  ``KeyedVectors.evaluate_word_analogies(path, restrict_vocab=300000, case_insensitive=True)``.
  Questions with a word outside the first ``restrict_vocab`` words are skipped; the
  answer is the best 3CosAdd word that is none of the three question words. Instead of
  one ``most_similar`` call per question, a chunk of questions is scored with one matrix
  product against the searched vocabulary, the question words are masked, and the row
  maxima are the answers.
* WordSim-353 and SimLex-999: Pearson and Spearman correlation of cosine similarity with
  human judgements and the share of pairs with unknown words, like
  ``KeyedVectors.evaluate_word_pairs(path, restrict_vocab=300000, case_insensitive=True)``.

The files are the copies installed with gensim (``gensim/test/test_data``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors, unit_rows

ANALOGY_FILE = "questions-words.txt"
PAIR_FILES = {"WordSim353": "wordsim353.tsv", "SimLex999": "simlex999.txt"}
DEFAULT_RESTRICT_VOCAB = 300_000
Progress = Callable[[float, str], None]


@dataclass
class AnalogySection:
    """Counts of one section (or a group of sections) of the analogy set."""

    name: str
    correct: int = 0
    incorrect: int = 0

    @property
    def questions(self) -> int:
        return self.correct + self.incorrect

    @property
    def accuracy(self) -> float:
        """Share answered correctly; 0.0 for a section with no question scored, as in gensim."""
        return self.correct / self.questions if self.questions else 0.0


@dataclass
class AnalogyResult:
    """Scores on an analogy set: per section, semantic/syntactic groups and in total."""

    sections: list[AnalogySection]
    total: AnalogySection
    skipped: int  # questions with a word outside the searched vocabulary
    restrict_vocab: int
    wrong_examples: dict[str, list[tuple[str, str, str, str, str]]] = field(default_factory=dict)
    skipped_examples: list[dict] = field(default_factory=list)  # a few skipped questions and their missing words

    @property
    def groups(self) -> list[AnalogySection]:
        """Semantic (sections not named gram*) and syntactic (gram*) totals, as word2vec's compute-accuracy splits
        them."""
        semantic, syntactic = AnalogySection("semantic"), AnalogySection("syntactic")
        for section in self.sections:
            group = syntactic if section.name.startswith("gram") else semantic
            group.correct += section.correct
            group.incorrect += section.incorrect
        return [semantic, syntactic]

    def counts_sentence(self) -> str:
        """What was scored, in words: "19,544 questions, 58 skipped because a word is missing from the first …"."""
        asked = self.total.questions + self.skipped
        if not self.skipped:
            return f"{asked:,} questions, all scored"
        return (f"{asked:,} questions, {self.skipped:,} skipped because a word is missing from the first "
                f"{self.restrict_vocab:,} words; {self.total.questions:,} scored")

    @property
    def skipped_ratio(self) -> float:
        """Percentage of questions skipped for unknown words (gensim's oov_ratio)."""
        asked = self.total.questions + self.skipped
        return 100.0 * self.skipped / asked if asked else 0.0

    def to_dict(self) -> dict:
        def row(section: AnalogySection) -> dict:
            return {"section": section.name, "correct": section.correct, "questions": section.questions,
                    "accuracy": section.accuracy}

        return {"total": row(self.total), "groups": [row(group) for group in self.groups],
                "sections": [row(section) for section in self.sections], "skipped": self.skipped,
                "skipped_ratio": self.skipped_ratio, "restrict_vocab": self.restrict_vocab,
                "wrong_examples": [{"section": name, "a": a, "b": b, "c": c, "expected": expected, "answer": answer}
                                   for name, examples in self.wrong_examples.items()
                                   for a, b, c, expected, answer in examples]}


@dataclass
class PairsResult:
    """Agreement of cosine similarity with human similarity judgements."""

    name: str
    pearson: float
    spearman: float
    oov_ratio: float  # percentage of pairs with a word outside the searched vocabulary
    pairs: int  # pairs scored

    def to_dict(self) -> dict:
        return {"name": self.name, "pearson": self.pearson, "spearman": self.spearman,
                "oov_ratio": self.oov_ratio, "pairs": self.pairs}


def test_data_folder() -> Path:
    """Folder of the benchmark files installed with gensim."""
    try:
        import gensim
    except ImportError:
        raise EmbedLabError("the benchmark files come with gensim, which is not installed; "
                            "run `pip install gensim`") from None
    return Path(gensim.__file__).parent / "test" / "test_data"


def read_analogy_questions(path: str | Path, case_insensitive: bool = True) -> list[tuple[str, list[tuple]]]:
    """Sections of an analogy file as ``[(name, [(a, b, c, expected), …])]``, read as gensim reads them.

    A line ``: name`` starts a section; other lines with exactly four words are questions
    ("a is to b as c is to expected"); any other line is skipped. With
    ``case_insensitive`` the words are upper-cased.
    """
    sections: list[tuple[str, list[tuple]]] = []
    for line_number, line in enumerate(_read_lines(path)):
        if line.startswith(": "):
            sections.append((line.lstrip(": ").strip(), []))
            continue
        words = line.split()
        if len(words) != 4:
            continue
        if not sections:
            raise EmbedLabError(f"{Path(path).name} line {line_number + 1}: a question before any ': section' "
                                "line; an analogy file starts with a line like ': capital-common-countries'")
        sections[-1][1].append(tuple(word.upper() for word in words) if case_insensitive else tuple(words))
    if not sections:
        raise EmbedLabError(f"{Path(path).name} has no ': section' lines; expected the format of questions-words.txt")
    return sections


def evaluate_word_analogies(vectors: WordVectors, path: str | Path | None = None,
                            restrict_vocab: int = DEFAULT_RESTRICT_VOCAB, case_insensitive: bool = True,
                            progress: Progress | None = None, chunk_size: int = 2048,
                            block_size: int = 2048, examples_per_section: int = 5,
                            examples_skipped: int = 20) -> AnalogyResult:
    """Accuracy on an analogy set, exactly as gensim's ``evaluate_word_analogies`` counts it.

    Args:
        vectors: the vector set to score.
        path: the analogy file; None uses gensim's copy of Google's questions-words.txt.
        restrict_vocab: only the first N (most frequent) words are known and searched.
        case_insensitive: compare words upper-cased; of several case variants the most
            frequent one's vector is used (gensim's rule).
        progress: called as ``progress(done_fraction, message)`` after each chunk.
        chunk_size: questions scored together (one matrix product per block of words).
        block_size: words per block; chunk_size × block_size scores (16 MB) stay in cache.
        examples_per_section: wrong answers kept per section, to show.
        examples_skipped: skipped questions kept (the first ones), to show which words were missing.

    Returns:
        An AnalogyResult.
    """
    path = Path(path) if path is not None else test_data_folder() / ANALOGY_FILE
    limit = _limit(vectors, restrict_vocab)
    known, canonical = _known_words(vectors, limit, case_insensitive)
    sections = read_analogy_questions(path, case_insensitive)

    rows, section_ids, skipped, skipped_examples = [], [], 0, []
    for section_id, (section_name, questions) in enumerate(sections):
        for question in questions:
            if all(word in known for word in question):
                rows.append([known[word] for word in question])
                section_ids.append(section_id)
            else:
                skipped += 1
                if len(skipped_examples) < examples_skipped:
                    skipped_examples.append(_skipped_example(section_name, question, known, case_insensitive))
    rows = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
    section_ids = np.asarray(section_ids, dtype=np.int64)
    answers = _answer_analogies(vectors, rows, limit, canonical, progress, chunk_size, block_size, skipped)
    correct = canonical[answers] == rows[:, 3]

    result_sections = []
    wrong_examples: dict[str, list] = {}
    for section_id, (name, _) in enumerate(sections):
        in_section = section_ids == section_id
        right = int(correct[in_section].sum())
        result_sections.append(AnalogySection(name, right, int(in_section.sum()) - right))
        wrong = np.flatnonzero(in_section & ~correct)[:examples_per_section]
        wrong_examples[name] = [(*(vectors.words[row] for row in rows[i]), vectors.words[answers[i]]) for i in wrong]
    total = AnalogySection("Total accuracy", int(correct.sum()), int((~correct).sum()))
    return AnalogyResult(result_sections, total, skipped, limit, wrong_examples, skipped_examples)


def _skipped_example(section: str, question: tuple, known: dict, case_insensitive: bool) -> dict:
    """One skipped question for a person: its words and which of them are missing.

    Case-insensitive questions were upper-cased to compare; they are lower-cased to read.
    """
    shown = str.lower if case_insensitive else str
    words = [shown(word) for word in question]
    missing = ", ".join(dict.fromkeys(shown(word) for word in question if word not in known))
    return {"section": section, "a": words[0], "b": words[1], "c": words[2], "expected": words[3],
            "missing": missing}


def evaluate_word_pairs(vectors: WordVectors, path: str | Path, restrict_vocab: int = DEFAULT_RESTRICT_VOCAB,
                        case_insensitive: bool = True, delimiter: str = "\t") -> PairsResult:
    """Pearson and Spearman correlation with human judgements, as gensim's ``evaluate_word_pairs``.

    Lines are ``word1<TAB>word2<TAB>score``; lines starting with ``#`` and lines that do
    not parse are skipped; pairs with a word outside the first ``restrict_vocab`` words
    are left out and counted in ``oov_ratio`` (dummy4unknown=False).
    """
    from scipy import stats

    path = Path(path)
    limit = _limit(vectors, restrict_vocab)
    known, _ = _known_words(vectors, limit, case_insensitive)
    gold, model, unknown = [], [], 0
    unit = vectors.unit_vectors
    for line in _read_lines(path):
        if not line or line.startswith("#"):
            continue
        fields = line.split(delimiter)
        if len(fields) != 3:
            continue
        first, second, score = (value.upper() for value in fields) if case_insensitive else fields
        try:
            score = float(score)
        except ValueError:
            continue
        if first not in known or second not in known:
            unknown += 1
            continue
        gold.append(score)
        model.append(float(unit[known[first]] @ unit[known[second]]))
    if not gold:
        raise EmbedLabError(f"no pair of {path.name} could be scored: every line is malformed or has a word "
                            f"outside the first {limit:,} words of {vectors.name}")
    pearson = float(stats.pearsonr(gold, model)[0])
    spearman = float(stats.spearmanr(gold, model)[0])
    return PairsResult(path.name, pearson, spearman, 100.0 * unknown / (len(gold) + unknown), len(gold))


def evaluate_similarity_sets(vectors: WordVectors, restrict_vocab: int = DEFAULT_RESTRICT_VOCAB,
                             case_insensitive: bool = True) -> list[PairsResult]:
    """WordSim-353 and SimLex-999 (gensim's copies), each as a PairsResult named after the set."""
    folder = test_data_folder()
    results = []
    for name, filename in PAIR_FILES.items():
        result = evaluate_word_pairs(vectors, folder / filename, restrict_vocab, case_insensitive)
        result.name = name
        results.append(result)
    return results


def _limit(vectors: WordVectors, restrict_vocab: int) -> int:
    if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, (int, np.integer)) or restrict_vocab < 1:
        raise EmbedLabError(f"restrict_vocab is {restrict_vocab!r}; expected a whole number of words of at least 1 "
                            f"(gensim's default is {DEFAULT_RESTRICT_VOCAB:,})")
    return min(int(restrict_vocab), len(vectors))


def _read_lines(path: str | Path) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EmbedLabError(f"benchmark file {path} does not exist; give the path of an existing file") from None
    except UnicodeDecodeError as error:
        raise EmbedLabError(f"{Path(path).name} is not UTF-8 text ({error.reason}); save it as UTF-8") from None


def _known_words(vectors: WordVectors, limit: int, case_insensitive: bool) -> tuple[dict[str, int], np.ndarray]:
    """Word → row among the first ``limit`` words, and each row's canonical row.

    Upper-cased, the most frequent case variant wins (gensim builds its lookup from the
    reversed vocabulary for that); ``canonical[row]`` is the row that variant has.
    """
    known: dict[str, int] = {}
    words = vectors.words[:limit]
    for row, word in enumerate(words):
        known.setdefault(word.upper() if case_insensitive else word, row)
    if case_insensitive:
        canonical = np.fromiter((known[word.upper()] for word in words), dtype=np.int64, count=limit)
    else:
        canonical = np.fromiter((known[word] for word in words), dtype=np.int64, count=limit)
    return known, canonical


def _answer_analogies(vectors: WordVectors, rows: np.ndarray, limit: int, canonical: np.ndarray,
                      progress: Progress | None, chunk_size: int, block_size: int, skipped: int = 0) -> np.ndarray:
    """Row of the answer to each question (a, b, c, expected): best b − a + c, none of a, b, c.

    A chunk of questions is scored against one block of words at a time, so the block
    of scores stays in the processor's cache; each block keeps its best word per question.
    gensim reads only its top 5 answers: were more than five case variants of the question
    words ahead of every other word, gensim would count a question word as the answer; here
    the best other word is taken (no such case arises with lower-case vocabularies).
    """
    unit = vectors.unit_vectors
    candidates = unit[:limit]
    # Rows sharing an upper-cased spelling ("Paris", "paris") count as the same word, so all
    # of a question word's variants are excluded, as gensim's `ignore` set does.
    variants: dict[int, list[int]] = {}
    for row in np.flatnonzero(canonical != np.arange(limit)):
        variants.setdefault(int(canonical[row]), []).append(int(row))
    answers = np.empty(len(rows), dtype=np.int64)
    total = len(rows)
    # The count matches the page's caption: questions asked = answered + skipped.
    skipped_note = f" ({skipped:,} of {total + skipped:,} skipped because a word is missing)" if skipped else ""
    buffer = np.empty((min(chunk_size, max(total, 1)), min(block_size, limit)), dtype=np.float32)
    for start in range(0, total, chunk_size):
        chunk = rows[start:start + chunk_size]
        queries = unit_rows(unit[chunk[:, 1]] + unit[chunk[:, 2]] - unit[chunk[:, 0]])
        mask_lines, mask_rows = _masked_cells(chunk, variants)
        lines = np.arange(len(chunk))
        best_scores = np.full(len(chunk), -np.inf, dtype=np.float32)
        best_rows = np.zeros(len(chunk), dtype=np.int64)
        for low in range(0, limit, block_size):
            high = min(low + block_size, limit)
            scores = buffer[: len(chunk), : high - low]
            np.matmul(queries, candidates[low:high].T, out=scores)
            inside = (mask_rows >= low) & (mask_rows < high)
            scores[mask_lines[inside], mask_rows[inside] - low] = -np.inf
            block_best = scores.argmax(axis=1)
            block_scores = scores[lines, block_best]
            better = block_scores > best_scores  # strict: on a tie the earlier (more frequent) word stays
            best_scores[better] = block_scores[better]
            best_rows[better] = block_best[better] + low
        answers[start:start + len(chunk)] = best_rows
        if progress is not None:
            done = start + len(chunk)
            progress(done / total, f"{done:,} of {total:,} analogy questions answered{skipped_note}")
    if progress is not None and total == 0:
        progress(1.0, "no analogy question has all its words in the vocabulary")
    return answers


def _masked_cells(chunk: np.ndarray, variants: dict[int, list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(question, word row) cells to exclude: each question's a, b, c and their case variants."""
    lines = np.repeat(np.arange(len(chunk)), 3)
    rows = chunk[:, :3].reshape(-1)
    if not variants:
        return lines, rows
    extra_lines, extra_rows = [], []
    for line, row in zip(lines.tolist(), rows.tolist()):
        for variant in variants.get(row, ()):
            extra_lines.append(line)
            extra_rows.append(variant)
    return np.concatenate([lines, extra_lines]).astype(np.int64), np.concatenate([rows, extra_rows]).astype(np.int64)
