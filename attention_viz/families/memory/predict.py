"""What the trained NTM does with one sequence: a numpy Trace of every step, and a Prediction.

    t = model.trace("0110 1011 0001")     # Trace: weights, memory, gate/shift/γ per step
    p = model.predict("0110 1011 0001")   # Prediction: output bits, read/write maps, errors

Shape symbols used in the comments:
    L    sequence length (vectors to copy)
    T    episode length, 2L + 1 (input steps, the delimiter, output steps)
    W    bits per vector
    N    number of memory slots
    M    width of one memory slot
    S    number of allowed shifts
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from attention_viz.families.memory.addressing import shift_offsets
from attention_viz.families.memory.data import check_bits, episode, format_bits, parse_bits
from attention_viz.families.memory.model import READ, WRITE
from attention_viz.prediction import AttentionMap, Axis, Prediction


@dataclass(frozen=True)
class HeadTrace:
    """One head over an episode: every addressing stage and parameter, per step."""

    weights: np.ndarray  # (T, N) final weighting w_t
    content: np.ndarray  # (T, N) w^c
    gated: np.ndarray  # (T, N) w^g
    shifted: np.ndarray  # (T, N) w̃
    key: np.ndarray  # (T, M)
    beta: np.ndarray  # (T,)
    gate: np.ndarray  # (T,)
    shift: np.ndarray  # (T, S), over shift_offsets(S)
    gamma: np.ndarray  # (T,)

    @property
    def expected_shift(self) -> np.ndarray:
        """(T,) mean offset of the shift distribution: +1 steps forward, -1 back."""
        return self.shift @ np.array(shift_offsets(self.shift.shape[1]), dtype=float)


@dataclass(frozen=True)
class Trace:
    """Everything the NTM did while copying one sequence."""

    bits: np.ndarray  # (L, W) the input sequence (= the target)
    output: np.ndarray  # (L, W) the bits it wrote back
    probabilities: np.ndarray  # (L, W) P(bit = 1) at the output steps
    write: HeadTrace
    read: HeadTrace
    erase: np.ndarray  # (T, M)
    add: np.ndarray  # (T, M)
    memory: np.ndarray  # (T, N, M) memory after each step's write
    steps: tuple[str, ...]  # (T,) label of each step

    @property
    def errors(self) -> np.ndarray:
        """(L, W) bool: wrong output bits."""
        return self.output != self.bits

    @property
    def length(self) -> int:
        return len(self.bits)


def step_labels(bits: np.ndarray) -> tuple[str, ...]:
    """'in 1'..'in L', 'delim', 'out 1'..'out L' (unique, so axes never merge labels)."""
    n = len(bits)
    return (*(f"in {i}" for i in range(1, n + 1)), "delim", *(f"out {i}" for i in range(1, n + 1)))


def as_bits(x: Any, width: int, max_length: int) -> np.ndarray:
    """A string of bit rows or a (L, W) array -> validated (L, W) uint8. Raises ValueError."""
    if isinstance(x, str):
        return parse_bits(x, width, max_length)
    return check_bits(np.asarray(x), width, max_length)


def input_limit(model) -> int:
    """The longest sequence predict() accepts: one memory slot per vector."""
    return model.config.slots


@torch.inference_mode()
def trace(model, x: Any) -> Trace:
    """Run the model on one sequence and keep every step (see Trace)."""
    bits = as_bits(x, model.config.width, input_limit(model))
    n = len(bits)
    device = model.initial_read.device
    inputs = episode(torch.as_tensor(bits).unsqueeze(0)).to(device)  # (T, 1, W + 1)
    logits, records = model(inputs, record=True)  # (T, 1, W)
    probabilities = torch.sigmoid(logits[n + 1 :, 0]).cpu().numpy()  # (L, W)

    def stack(get) -> np.ndarray:
        return torch.stack([get(r)[0] for r in records]).cpu().numpy()  # (T, ...)

    def head(index: int) -> HeadTrace:
        def stage(name: str) -> np.ndarray:
            return stack(lambda r: getattr(r.addressing, name)[:, index])  # (T, N)

        def param(name: str) -> np.ndarray:
            return stack(lambda r: r.params[name][:, index])  # (T, ...)

        return HeadTrace(
            weights=stage("weights"),
            content=stage("content"),
            gated=stage("gated"),
            shifted=stage("shifted"),
            key=param("key"),
            beta=param("beta")[:, 0],
            gate=param("gate")[:, 0],
            shift=param("shift"),
            gamma=param("gamma")[:, 0],
        )

    return Trace(
        bits=bits,
        output=(probabilities > 0.5).astype(np.uint8),
        probabilities=probabilities,
        write=head(WRITE),
        read=head(READ),
        erase=stack(lambda r: r.erase),
        add=stack(lambda r: r.add),
        memory=stack(lambda r: r.memory),
        steps=step_labels(bits),
    )


def to_prediction(t: Trace, max_trained: int) -> Prediction:
    """The Prediction of a trace: main map = read weights (steps x slots)."""
    steps = Axis("steps", t.steps)
    slots = Axis.slots(t.read.weights.shape[1])
    maps = {
        "read": AttentionMap(t.read.weights, steps, slots),
        "write": AttentionMap(t.write.weights, steps, slots),
        "read-content": AttentionMap(t.read.content, steps, slots),
        "write-content": AttentionMap(t.write.content, steps, slots),
    }
    p = np.clip(t.probabilities, 1e-7, 1 - 1e-7)
    log_prob = float(np.where(t.output == 1, np.log(p), np.log(1 - p)).sum())
    wrong = t.errors
    warnings = []
    if t.length > max_trained:
        warnings.append(
            f"{t.length} vectors is longer than the {max_trained} it was trained on: expect errors"
        )
    return Prediction(
        text=format_bits(t.output),
        source_tokens=list(slots.labels),
        target_tokens=list(t.steps),
        attention=t.read.weights,
        maps=maps,
        log_prob=log_prob,
        checks={
            "target": format_bits(t.bits),
            "bit_errors": int(wrong.sum()),
            "bits": int(wrong.size),
            "wrong_rows": [i + 1 for i in np.flatnonzero(wrong.any(axis=1))],
            "correct": bool(not wrong.any()),
        },
        warnings=warnings,
    )


def predict(model, x: Any) -> Prediction:
    """Copy one sequence (a string of bit rows or a (L, W) array of 0/1)."""
    return to_prediction(trace(model, x), model.config.max_length)
