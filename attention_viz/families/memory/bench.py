"""`python -m attention_viz bench memory`: what the memory page costs to compute.

Times one addressing step (the sandbox), the trained NTM's trace of one sequence per length
(what the page draws), and a batch copy; reports parameters, weights file size and the
memory a trace holds.
"""

from __future__ import annotations

import statistics

import torch

from attention_viz.bench import wall_times
from attention_viz.families.memory.addressing import address
from attention_viz.families.memory.data import random_bits
from attention_viz.families.memory.model import count_parameters


def _time(fn, repeats: int) -> tuple[float, float]:
    """(median, fastest) seconds of `repeats` calls (after one warm-up).

    The fastest is what the code costs; the median adds what other processes on a shared
    machine take away."""
    samples = wall_times(fn, repeats, warmup=1)
    return statistics.median(samples), min(samples)


def run(quick: bool = False) -> None:
    from attention_viz.checkpoint import paths
    from attention_viz.registry import load_model, weights_stem

    repeats = 3 if quick else 20
    model = load_model("ntm-copy", device="cpu")
    c = model.config
    print(
        f"ntm-copy: {count_parameters(model):,} parameters, memory {c.slots} slots x "
        f"{c.slot_size}, controller LSTM {c.controller_size}, torch threads "
        f"{torch.get_num_threads()}"
    )
    weights, record = paths(weights_stem("ntm-copy"))
    size, meta = weights.stat().st_size / 1024, record.stat().st_size / 1024
    print(f"weights file: {size:.1f} KiB (+ {meta:.1f} KiB JSON)")

    memory = torch.randn(1, 16, 8)
    previous = torch.softmax(torch.randn(1, 16), -1)
    key = torch.randn(1, 8)
    one = torch.ones(1, 1)
    shift = torch.tensor([[0.1, 0.2, 0.7]])
    rows = [
        (
            "addressing, 16 slots (sandbox)",
            _time(
                lambda: address(memory, previous, key, 5 * one, 0.5 * one, shift, 2 * one),
                repeats * 10,
            ),
        )
    ]
    for length in (5, 10, 20, 30):
        bits = random_bits(length, c.width, length)
        rows.append(
            (
                f"trace, length {length} ({2 * length + 1} steps)",
                _time(lambda b=bits: model.trace(b), repeats),
            )
        )
    batch = torch.as_tensor(random_bits(10 * 100, c.width, 0).reshape(100, 10, c.width)).float()
    rows.append(("copy, 100 sequences of length 10", _time(lambda: model.copy(batch), repeats)))
    print(f"\n{'what':<34} {'median ms':>10} {'fastest ms':>11}")
    for what, (median, fastest) in rows:
        print(f"{what:<34} {median * 1e3:10.2f} {fastest * 1e3:11.2f}")
    tr = model.trace(random_bits(30, c.width, 1))
    held = sum(a.nbytes for a in (tr.memory, tr.write.weights, tr.read.weights, tr.erase, tr.add))
    print(
        f"\na length-30 trace holds {held / 1024:.1f} KiB of arrays (memory after every step "
        f"{tr.memory.nbytes / 1024:.1f} KiB)"
    )
