"""The Analogies page's benchmark results as tables a person reads: plain headers, one number style.

Built from the benchmarks' ``to_dict()`` rows (``embedlab.vectors.benchmarks``); numbers are
formatted with ``embedlab_ui.numbers`` (percentages as percentages, counts with separators,
correlations with three decimals), so "0.1001" never reads as 10% when it means 0.1%.
"""

from __future__ import annotations

from embedlab_ui import numbers

GROUP_LABELS = {"semantic": "Semantic total", "syntactic": "Syntactic total"}


def section_rows(result: dict) -> list[dict]:
    """One row per section, then the semantic and syntactic totals, each marked by ``kind``."""
    rows = [dict(row, kind="section") for row in result["sections"]]
    rows += [dict(row, section=GROUP_LABELS.get(row["section"], row["section"]), kind="total")
             for row in result["groups"]]
    return rows


def section_table(result: dict):
    """Sections, then the two totals: Section, Correct, Questions, Accuracy."""
    import pandas as pd

    return pd.DataFrame([{"Section": row["section"], "Correct": numbers.count(row["correct"]),
                          "Questions": numbers.count(row["questions"]), "Accuracy": numbers.percent(row["accuracy"])}
                         for row in section_rows(result)])


def similarity_table(results: list[dict]):
    """One row per word-pair set: pairs scored, the share with an unknown word, Pearson and Spearman."""
    import pandas as pd

    # oov_ratio is a percentage already (gensim's convention): 0.1001 means 0.1% of the pairs.
    return pd.DataFrame([{"Word-pair set": row["name"], "Pairs scored": numbers.count(row["pairs"]),
                          "Pairs with an unknown word": numbers.percent(row["oov_ratio"] / 100.0),
                          "Pearson": numbers.score(row["pearson"]), "Spearman": numbers.score(row["spearman"])}
                         for row in results])


def wrong_table(result: dict):
    """Some wrong answers: a is to b as c is to expected; the vectors said answer."""
    import pandas as pd

    return pd.DataFrame([{"Section": row["section"], "a": row["a"], "b": row["b"], "c": row["c"],
                          "Expected": row["expected"], "Answer": row["answer"]} for row in result["wrong_examples"]])


def skipped_table(examples: list[dict]):
    """Skipped questions and the words that were missing."""
    import pandas as pd

    return pd.DataFrame([{"Section": row["section"], "a": row["a"], "b": row["b"], "c": row["c"],
                          "Expected": row["expected"], "Missing": row["missing"]} for row in examples])
