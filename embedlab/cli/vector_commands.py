"""Command-line commands for vectors: ``analogy``, ``neighbors``, ``similarity``, ``benchmark``."""

from __future__ import annotations

import argparse
import sys

from embedlab.cli import add_command
from embedlab.cli.options import add_vectors_flag, vectors_from


def add_commands(subparsers) -> None:
    """Register ``analogy``, ``neighbors``, ``similarity`` and ``benchmark``."""

    parser = add_command(
        subparsers, "analogy", analogy_command,
        help="solve an analogy: words near the positive words and away from the negative ones",
        description="a is to b as c is to ?  →  --positive b c --negative a (king − man + woman: "
                    "--positive king woman --negative man).",
    )
    parser.add_argument("--positive", nargs="+", required=True, metavar="WORD",
                        help="words that pull toward the answer")
    parser.add_argument("--negative", nargs="*", default=[], metavar="WORD", help="words that push away from it")
    parser.add_argument("--topn", type=int, default=10, help="how many answers (default 10)")
    parser.add_argument("--method", choices=("cosadd", "cosmul"), default="cosadd",
                        help="cosadd: 3CosAdd (gensim most_similar); cosmul: 3CosMul (most_similar_cosmul)")
    parser.add_argument("--include-inputs", action="store_true", help="allow the query words among the answers")
    _add_restrict_vocab(parser, default=None, what="search only the N most frequent words")
    add_vectors_flag(parser)

    parser = add_command(subparsers, "neighbors", neighbours_command,
                         help="the words nearest to a word (cosine similarity)")
    parser.add_argument("word", metavar="WORD")
    parser.add_argument("--topn", type=int, default=10, help="how many neighbours (default 10)")
    _add_restrict_vocab(parser, default=None, what="search only the N most frequent words")
    add_vectors_flag(parser)

    parser = add_command(subparsers, "similarity", similarity_command, help="cosine similarity of two words")
    parser.add_argument("first", metavar="WORD1")
    parser.add_argument("second", metavar="WORD2")
    add_vectors_flag(parser)

    parser = add_command(
        subparsers, "benchmark", benchmark_command,
        help="score vectors on Google analogies or on WordSim353 and SimLex999",
        description="analogies: accuracy per section of questions-words.txt; similarity: Pearson and "
                    "Spearman correlation on WordSim353 and SimLex999 (gensim's copies, gensim's rules).",
    )
    parser.add_argument("suite", choices=("analogies", "similarity"))
    _add_restrict_vocab(parser, default=300_000, what="only the N most frequent words are known (default 300000)")
    add_vectors_flag(parser)


def _add_restrict_vocab(parser: argparse.ArgumentParser, default: int | None, what: str) -> None:
    parser.add_argument("--restrict-vocab", type=int, default=default, metavar="N", help=what)


def _with_notes(result: dict, text: str, vectors, query_notes=()) -> tuple[dict, str]:
    """The loader's notes (rows left out of a vector file, and why) and the query's (a word with an all-zero
    vector, no other word to compare with) in the JSON and under the text."""
    notes = [*vectors.notes, *query_notes]
    result["notes"] = notes
    return result, "\n".join([text, *(f"note: {note}" for note in notes)])


def _table(rows: list[tuple[str, float]], number_format: str = "{:.4f}") -> str:
    width = max((len(word) for word, _ in rows), default=4)
    return "\n".join(f"{rank:>3}  {word:<{width}}  {number_format.format(score)}"
                     for rank, (word, score) in enumerate(rows, start=1))


def analogy_command(args: argparse.Namespace) -> tuple[dict, str]:
    """Top answers to an analogy query."""
    from embedlab.vectors.similarity import solve_analogy

    vectors = vectors_from(args)
    answer = solve_analogy(vectors, args.positive, args.negative, topn=args.topn, method=args.method,
                           exclude_inputs=not args.include_inputs, restrict_vocab=args.restrict_vocab)
    results = answer.results
    result = {"positive": args.positive, "negative": args.negative, "method": args.method,
              "vectors": vectors.name, "results": [{"word": w, "score": s} for w, s in results]}
    query = " + ".join(args.positive) + "".join(f" − {word}" for word in args.negative)
    return _with_notes(result, f"{query}  ({args.method}, {vectors.name})\n{_table(results)}", vectors,
                       answer.query.notes)


def neighbours_command(args: argparse.Namespace) -> tuple[dict, str]:
    """Nearest words to one word."""
    from embedlab.vectors.similarity import neighbour_notes, neighbours

    vectors = vectors_from(args)
    results = neighbours(vectors, args.word, topn=args.topn, restrict_vocab=args.restrict_vocab)
    result = {"word": args.word, "vectors": vectors.name, "results": [{"word": w, "score": s} for w, s in results]}
    return _with_notes(result, f"nearest to {args.word}  ({vectors.name})\n{_table(results)}", vectors,
                       neighbour_notes(vectors, args.word, args.restrict_vocab))


def similarity_command(args: argparse.Namespace) -> tuple[dict, str]:
    """Cosine similarity of two words."""
    from embedlab.vectors.similarity import similarity, zero_vector_notes

    vectors = vectors_from(args)
    value = similarity(vectors, args.first, args.second)
    return _with_notes({"first": args.first, "second": args.second, "similarity": value, "vectors": vectors.name},
                       f"{value:.4f}", vectors, zero_vector_notes(vectors, [args.first, args.second]))


def benchmark_command(args: argparse.Namespace) -> tuple[dict, str]:
    """Analogy accuracy per section, or word-similarity correlations, as a text table."""
    from embedlab.vectors import benchmarks

    vectors = vectors_from(args)
    if args.suite == "similarity":
        results = benchmarks.evaluate_similarity_sets(vectors, restrict_vocab=args.restrict_vocab)
        lines = [f"{'set':<12} {'pearson':>8} {'spearman':>9} {'pairs':>6} {'unknown':>8}"]
        lines += [f"{r.name:<12} {r.pearson:>8.4f} {r.spearman:>9.4f} {r.pairs:>6} {r.oov_ratio:>7.1f}%"
                  for r in results]
        return _with_notes({"vectors": vectors.name, "restrict_vocab": args.restrict_vocab,
                            "results": [r.to_dict() for r in results]}, "\n".join(lines), vectors)

    def progress(fraction: float, message: str) -> None:
        print(f"\r{fraction:6.1%}  {message}", end="", file=sys.stderr, flush=True)

    result = benchmarks.evaluate_word_analogies(vectors, restrict_vocab=args.restrict_vocab, progress=progress)
    print(file=sys.stderr)
    width = max(len(section.name) for section in result.sections + [result.total])
    lines = [f"{'section':<{width}} {'accuracy':>9} {'correct':>8} {'questions':>10}"]
    for section in [*result.sections, *result.groups, result.total]:
        lines.append(f"{section.name:<{width}} {section.accuracy:>9.2%} {section.correct:>8} {section.questions:>10}")
    lines.append(f"skipped (a word outside the first {result.restrict_vocab:,} words): {result.skipped} "
                 f"({result.skipped_ratio:.1f}%)")
    return _with_notes({"vectors": vectors.name, **result.to_dict()}, "\n".join(lines), vectors)
