"""``python -m embedlab predict RUN TEXT…``: score texts with a run or a .keras file."""

from __future__ import annotations

import argparse
from pathlib import Path

from embedlab.cli.options import add_json_flag
from embedlab.errors import EmbedLabError


def add_commands(subparsers) -> None:
    """Register ``predict``."""

    parser = subparsers.add_parser(
        "predict",
        help="score texts with a trained run (or a .keras file), optionally explaining each word",
        description="Score each TEXT with a trained EmbedLab model; one line per text.",
    )
    parser.add_argument("run", metavar="RUN",
                        help="a run folder (runs/<workspace>/<run_id>), an s3:// run or a .keras file")
    parser.add_argument("texts", metavar="TEXT", nargs="+", help="text to score (quote sentences)")
    parser.add_argument("--explain", action="store_true", help="show each token's contribution")
    parser.add_argument(
        "--method", choices=("occlusion", "integrated-gradients"), default="occlusion",
        help="how contributions are measured with --explain (default: occlusion)",
    )
    add_json_flag(parser)
    parser.set_defaults(handler=predict_command)


def load_predictor(target: str):
    """A Predictor for a run folder or a ``.keras`` file named on the command line."""
    from embedlab.models.prediction import Predictor
    from embedlab.models.runs.storage import is_remote
    from embedlab.models.runs.catalog import read_run

    if is_remote(target):  # a run in object storage (s3://bucket/prefix/<workspace>/<run id>)
        return Predictor.from_run(read_run(target))
    path = Path(target).expanduser()
    if path.is_dir():
        return Predictor.from_run(read_run(path))
    if path.is_file():
        return Predictor.from_file(path)
    raise EmbedLabError(f"{target} is neither a run folder nor a .keras file; give the path of one")


def predict_command(args: argparse.Namespace) -> tuple[list[dict], str]:
    """Score every text; with --explain add per-token contributions."""
    from embedlab.models.explanations import explain

    predictor = load_predictor(args.run)
    results, lines = [], []
    for text in args.texts:
        prediction = predictor.predict(text)
        result = {
            "text": text,
            "label": prediction.label,
            "probabilities": prediction.probabilities,
            "notes": prediction.notes + prediction.warnings,
        }
        line = f"{prediction.label}\t{prediction.probabilities[prediction.label]:.3f}\t{_shorten(text)}"
        if args.explain:
            explanation = explain(predictor, text, method=args.method)
            result["explanation"] = {
                "method": explanation.method,
                "class_name": explanation.class_name,
                "tokens": [
                    {"token": t.token, "contribution": t.contribution, "in_vocabulary": t.in_vocabulary}
                    for t in explanation.tokens
                ],
                "notes": explanation.notes,
            }
            line += "\n  " + " ".join(_token_text(t) for t in explanation.tokens)
        for note in result["notes"]:
            line += f"\n  note: {note}"
        results.append(result)
        lines.append(line)
    return results, "\n".join(lines)


def _token_text(token) -> str:
    mark = "" if token.in_vocabulary else "?"
    if token.contribution is None:
        return f"{token.token}{mark}(unread)"
    return f"{token.token}{mark}({token.contribution:+.3f})"


def _shorten(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
