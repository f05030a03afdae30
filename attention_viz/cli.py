"""Command line: python -m attention_viz {list,predict,train,evaluate,bench} ...

Errors a user can cause (unknown model, bad input, missing weights) print one line and exit
with status 2; they never print a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from attention_viz import registry
from attention_viz.checkpoint import WeightsError, load_checkpoint
from attention_viz.deploy import command as serve_command
from attention_viz.device import configure_threads, pick_device
from attention_viz.families import families, family_of
from attention_viz.family import resolve
from attention_viz.loadtest import command as loadtest_command
from attention_viz.registry import (
    entry,
    list_models,
    load_model,
    rebuild_command,
    weights_stem,
)

SHADES = " .:-=+*#%@"  # text heatmap, light to heavy


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_threads()
    try:
        return args.run(args)
    except (KeyError, ValueError, WeightsError) as e:
        message = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"error: {message}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m attention_viz", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    c = sub.add_parser("list", help="the registered models and their weights")
    c.set_defaults(run=_list)

    c = sub.add_parser("predict", help="run a model on one input; print output and attention")
    c.add_argument("name")
    c.add_argument("text", nargs="?", help="the input (captioners: an image file)")
    c.add_argument("--beam", type=int, default=1, help="beam width (translation models)")
    c.add_argument("--scene", type=int, default=None, help="captioners: generated scene SEED")
    c.set_defaults(run=_predict)

    c = sub.add_parser("train", help="rebuild a model's weights in pretrained/ (fixed seeds)")
    c.add_argument("name")
    c.add_argument("--quick", action="store_true", help="a short run, for tests")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--out", default=None, help="directory for the weights (default pretrained/)")
    c.set_defaults(run=_train)

    c = sub.add_parser("evaluate", help="accuracy of a model on fresh data or on --file")
    c.add_argument("name")
    c.add_argument("--file", default=None, help="tab-separated lines: input<TAB>expected")
    c.set_defaults(run=_evaluate)

    c = sub.add_parser("bench", help="time the computations behind a page")
    c.add_argument("target", choices=sorted(bench_targets()))
    c.add_argument("--quick", action="store_true", help="fewer repeats")
    c.set_defaults(run=_bench)

    loadtest_command.add_parser(sub)
    serve_command.add_parser(sub)
    return p


def _list(args) -> int:
    device, note = pick_device()
    print(f"device: {device} ({note})")
    print(f"weights: {registry.PRETRAINED_DIR}")
    print("kernel-regression      Nadaraya–Watson attention pooling (no weights to load)")
    for name in list_models():
        try:
            load_checkpoint(weights_stem(name), rebuild_command(name))
            state = "weights ok"
        except WeightsError as e:
            state = str(e)
        print(f"{name:<22} {entry(name).summary}  [{state}]")
    return 0


def _predict(args) -> int:
    if args.scene is not None:
        args.text = f"scene:{args.scene}"
    if args.text is None:
        raise ValueError("give the input (or --scene SEED for a captioner)")
    fam = family_of(args.name)
    model = load_model(args.name)
    options = {"beam": args.beam} if args.beam != 1 else {}
    given = resolve(fam.read_input)(args.text) if fam.read_input else args.text
    p = model.predict(given, **options)
    if fam.describe:
        print(resolve(fam.describe)(p))
        return 0
    print(p.text)
    for key, value in p.checks.items():
        print(f"{key}: {value}")
    if p.confidence is not None:
        print(f"confidence: {p.confidence:.4f}")
    if p.log_prob is not None:
        print(f"log_prob: {p.log_prob:.4f}")
    for warning in p.warnings:
        print(f"warning: {warning}")
    if p.attention is not None:
        print()
        print(text_heatmap(p.attention, p.source_tokens, p.target_tokens))
    return 0


def text_heatmap(weights: np.ndarray, source: list[str], target: list[str]) -> str:
    """Rows = target tokens, columns = source tokens, one shade character per weight.

    Characters get one column each; words get columns as wide as the longest (up to 8).
    """
    width = max((len(t) for t in target), default=1)
    col = min(max((len(s) for s in source), default=1), 8)
    shown = [(s if s.strip() else "␣")[:col] for s in source]
    lines = [" " * width + " " + " ".join(f"{s:>{col}}" for s in shown)]
    for token, row in zip(target, weights, strict=True):
        shades = (SHADES[min(int(w * len(SHADES)), len(SHADES) - 1)] for w in row)
        lines.append(f"{token:>{width}} " + " ".join(f"{c:>{col}}" for c in shades))
    lines.append(f"(shade: '{SHADES[1]}' low ... '{SHADES[-1]}' high; columns are input tokens)")
    return "\n".join(lines)


def _train(args) -> int:
    from pathlib import Path

    train = resolve(family_of(args.name).train)
    stem = weights_stem(args.name, Path(args.out) if args.out else None)
    train(args.name, stem, quick=args.quick, seed=args.seed)
    return 0


def _evaluate(args) -> int:
    return resolve(family_of(args.name).evaluate)(load_model(args.name), args.file)


def bench_targets() -> dict[str, str]:
    """`bench` target -> "module:run": every family with a bench, by its key."""
    return {f.bench_name or f.key: f.bench for f in families() if f.bench}


def _bench(args) -> int:
    resolve(bench_targets()[args.target])(quick=args.quick)
    return 0
