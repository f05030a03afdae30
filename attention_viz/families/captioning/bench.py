"""`python -m attention_viz bench captioning` (or `bench images`): training time and latency.

Targets (the captioning issue): each model rebuilt in <= 5 minutes on the 2-core CPU (read
from its weights' JSON, written when it was trained); one image captioned greedily in
<= 20 ms on the CPU.
"""

from __future__ import annotations

import torch

from attention_viz.bench import machine, median_seconds
from attention_viz.families.captioning import scenes
from attention_viz.registry import list_models, load_model

LATENCY_TARGET_MS = 20.0
TRAIN_TARGET_S = 300.0


def run(quick: bool = False) -> dict:
    """Print and return per model: training seconds, ms per image (greedy, beam 3, batched)."""
    print(machine())
    images = [scenes.render(scenes.random_scene(seed))[0] for seed in range(64)]
    repeats = 10 if quick else 100
    figures: dict = {"machine": machine(), "models": {}}
    print(
        f"{'model':<19}{'trained in':>11}{'greedy':>10}{'1 thread':>10}{'beam 3':>10}"
        f"{'batch 64':>12}"
    )
    for name in list_models("captioning"):
        model = load_model(name)
        record = model.training_record.get("training", {})
        one = median_seconds(lambda m=model: m.predict(images[0]), repeats)
        beam = median_seconds(lambda m=model: m.predict(images[0], beam=3), max(3, repeats // 5))
        batch = median_seconds(lambda m=model: m.predict_batch(images), 3, warmup=1)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            one_1 = median_seconds(lambda m=model: m.predict(images[0]), repeats)
        finally:
            torch.set_num_threads(threads)
        row = {
            "train_seconds": record.get("seconds"),
            "ms_greedy": one * 1e3,
            "ms_greedy_1_thread": one_1 * 1e3,
            "ms_beam3": beam * 1e3,
            "ms_per_image_batched": batch * 1e3 / len(images),
        }
        figures["models"][name] = row
        trained = "?" if row["train_seconds"] is None else f"{row['train_seconds']:.0f} s"
        print(
            f"{name:<19}{trained:>11}{row['ms_greedy']:>8.2f}ms{row['ms_greedy_1_thread']:>8.2f}ms"
            f"{row['ms_beam3']:>8.2f}ms{row['ms_per_image_batched']:>10.3f}ms"
        )
    print(
        f"targets: greedy <= {LATENCY_TARGET_MS:.0f} ms per image on the CPU; "
        f"training <= {TRAIN_TARGET_S:.0f} s (from each model's JSON, measured when trained)"
    )
    return figures
