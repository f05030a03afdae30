"""Scoring the captioners on fresh test scenes: exact match, BLEU, pointing accuracy.

`python -m attention_viz evaluate caption-attention` prints the figures for fresh scenes of
the test layouts (seeds training never uses), overall and by number of shapes, beside the
other captioner's.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from attention_viz.analysis.bleu import corpus_bleu
from attention_viz.families.captioning import captions, scenes
from attention_viz.families.captioning.analysis import pointing, pointing_rate

N_TEST = 1_000


def rendered(scene_list: list[scenes.Scene]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(images, masks) of scenes."""
    pairs = [scenes.render(s) for s in scene_list]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def report(model, scene_list: list[scenes.Scene], beam: int = 1) -> dict:
    """All figures for these scenes (greedy, or beam search of that width).

    Returns:
        {"n", "exact_match", "bleu", "grammatical", "pointing" (None without attention),
         "pointing_by_kind", "by_shapes": {count: {"n", "exact_match", "bleu", "pointing"}}}.
    """
    images, masks = rendered(scene_list)
    if beam == 1:
        preds = model.predict_batch(images)
    else:
        preds = [model.predict(image, beam=beam) for image in images]
    refs = [captions.caption(s) for s in scene_list]
    groups: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(scene_list):
        groups[len(s.shapes)].append(i)
    hits = [
        pointing(p.attention, p.target_tokens, s, m) if p.attention is not None else None
        for p, s, m in zip(preds, scene_list, masks, strict=True)
    ]

    def figures(idx: list[int]) -> dict:
        hyps = [preds[i].target_tokens for i in idx]
        out = {
            "n": len(idx),
            "exact_match": round(
                float(np.mean([hyps[k] == refs[i] for k, i in enumerate(idx)])), 5
            ),
            "bleu": round(corpus_bleu(hyps, [refs[i] for i in idx]).score, 2),
            "pointing": None,
        }
        if hits[idx[0]] is not None:
            merged = {kind: [h for i in idx for h in hits[i][kind]] for kind in hits[idx[0]]}
            rate = pointing_rate(merged)
            out["pointing"] = None if rate is None else round(rate, 5)
            out["pointing_by_kind"] = {k: round(float(np.mean(v)), 5) for k, v in merged.items()}
        return out

    every = list(range(len(scene_list)))
    return {
        **figures(every),
        "bleu_signature": corpus_bleu([["a"]], [["a"]]).signature,
        "beam": beam,
        "grammatical": round(float(np.mean([p.checks["grammatical"] for p in preds])), 5),
        "by_shapes": {str(k): figures(v) for k, v in sorted(groups.items())},
    }


def test_report(model, n: int = N_TEST, seed: int = scenes.TEST_SEED, beam: int = 1) -> dict:
    """report() on n fresh scenes of the test layouts."""
    return {**report(model, scenes.generate(n, "test", seed), beam), "test_seed": seed}


def format_rows(named: dict[str, dict]) -> list[str]:
    """A table of several models' reports, side by side."""

    def pct(v):
        return "   -   " if v is None else f"{100 * v:6.2f}%"

    lines = [f"{'':<22}{'n':>6}  {'exact':>7}  {'BLEU':>6}  {'pointing':>8}"]
    for name, r in named.items():
        rows = [("all", r), *((f"{k} shape(s)", v) for k, v in r["by_shapes"].items())]
        for label, row in rows:
            lines.append(
                f"{name + ' ' + label:<22}{row['n']:>6}  {pct(row['exact_match'])}  "
                f"{row['bleu']:6.2f}  {pct(row['pointing']):>8}"
            )
    return lines


def evaluate(model, file: str | None) -> int:
    """Registry entry: the figures on fresh test scenes, beside the other captioner's."""
    from attention_viz.checkpoint import WeightsError
    from attention_viz.registry import list_models, load_model

    if file is not None:
        raise ValueError("the captioners are scored on generated scenes; --file is not used")
    name = model.training_record.get("name", "this model")
    named = {name: test_report(model)}
    for other in list_models("captioning"):
        if other != name:
            try:
                named[other] = test_report(load_model(other))
            except WeightsError as e:  # a missing baseline must not hide this model's figures
                print(f"({other}: not scored: {e})")
    print(f"fresh test scenes (layouts held out from training, seed {scenes.TEST_SEED}), greedy:")
    print("\n".join(format_rows(named)))
    mine = named[name]
    if mine.get("pointing_by_kind"):
        kinds = ", ".join(f"{k} {100 * v:.2f}%" for k, v in mine["pointing_by_kind"].items())
        print(f"{name} pointing by word kind: {kinds}")
    print(f"{name} grammatical captions: {100 * mine['grammatical']:.2f}%")
    return 0
