"""`python -m attention_viz bench translation`: inference time per sentence of each model.

Targets (issue 4): greedy <= 5 ms per sentence, beam width 5 <= 30 ms.
"""

from __future__ import annotations

import torch

from attention_viz.bench import machine, median_seconds
from attention_viz.checkpoint import WeightsError
from attention_viz.registry import list_models, load_model

SENTENCES = (
    "the black cat does not eat the apples",  # 8 words
    "my old friend often opens the white door of the house",  # 11 words
    "the young girls do not like the big red cars near the garden",  # 13 words
)
TARGET_MS = {"greedy": 5.0, "beam 5": 30.0}


def run(quick: bool = False) -> dict[str, dict[str, float]]:
    """Print and return median milliseconds per sentence for each translation model."""
    repeats = 5 if quick else 30
    print(machine())
    results: dict[str, dict[str, float]] = {}
    for name in list_models("translation"):
        try:
            model = load_model(name)
        except WeightsError as e:
            print(f"{name}: skipped ({e})")
            continue
        timings = _time(model, repeats)
        results[name] = {k: round(1000 * v, 2) for k, v in timings.items()}
        parts = []
        for key, ms in results[name].items():
            target = TARGET_MS.get(key)
            verdict = "" if target is None else (" ok" if ms <= target else f" OVER {target} ms")
            parts.append(f"{key} {ms:.2f} ms{verdict}")
        print(f"{name:<22} " + ", ".join(parts))
    print(
        f"(median over {repeats} repeats of {len(SENTENCES)} sentences of 8-13 words; "
        f"{torch.get_num_threads()} torch threads)"
    )
    return results


def _time(model, repeats: int) -> dict[str, float]:
    """Seconds per sentence: one at a time greedy and beam 5, and in a batch of 64."""
    n = len(SENTENCES)
    batch = list(SENTENCES) * 21 + [SENTENCES[0]]
    return {
        "greedy": median_seconds(lambda: [model.predict(s) for s in SENTENCES], repeats) / n,
        "beam 5": median_seconds(lambda: [model.predict(s, beam=5) for s in SENTENCES], repeats)
        / n,
        "batch of 64, per sentence": median_seconds(lambda: model.predict_batch(batch), repeats)
        / len(batch),
    }
