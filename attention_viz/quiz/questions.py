"""Quiz questions, their scoring, and the summary of a round (no models, no Streamlit).

A question shows one output step of one example and asks which key (input token, or image
cell) the model attends to most; the right answer is the argmax of the model's weights at
that step. Steps whose weights are diffuse (largest weight below MIN_PEAK) are never asked:
there the "right" answer would be a coin toss.

Shape symbols: T_q output steps, T_k keys, G region grid side, P image side.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# The largest weight a step needs to be asked about. Tokens: at least half of the weight on
# one key. Image cells (16 of them, uniform = 0.0625): about five times uniform.
MIN_PEAK = {"tokens": 0.5, "cells": 0.3}


@dataclass(frozen=True, eq=False)
class Question:
    """One output step of one example, and the model's attention there."""

    task: str  # the quiz task: "dates", "translation", "transformer" or "captioning"
    model: str  # registry name of the model that answered
    source: str  # the input as text (an image: a description of its scene)
    keys: tuple[str, ...]  # what the student picks from: input tokens, or cells "A1".."D4"
    outputs: tuple[str, ...]  # the model's whole output
    step: int  # the output step asked about (0-based)
    weights: np.ndarray  # (T_k,) the model's weights over the keys at that step
    answer: int  # the right key: argmax of weights
    phenomenon: str  # what kind of step it is (attention_viz.quiz.phenomena)
    gold: tuple[int, ...] = ()  # keys the generator says this output comes from
    attention: np.ndarray | None = None  # the example's full map: (T_q, T_k) or (T_q, G, G)
    joiner: str = ""  # outputs join into text with it: "" characters, " " words
    grid: tuple[int, int] | None = None  # (rows, cols) of the cells when the keys are cells
    image: np.ndarray | None = None  # (P, P, 3) uint8 when the input is an image
    gold_mask: np.ndarray | None = None  # (P, P) the described shape, for an image

    @property
    def shown(self) -> str:
        """The output token asked about."""
        return self.outputs[self.step]

    def signature(self) -> tuple:
        """What identifies a question (equal for the same seed; numpy-free)."""
        weights = tuple(round(float(w), 4) for w in self.weights)
        return (self.model, self.source, self.step, self.phenomenon, self.answer, weights)


@dataclass(frozen=True)
class Score:
    right: bool
    picked: int
    picked_weight: float  # the model's weight on the key the student picked
    right_weight: float  # the largest weight (on the right key)
    in_gold: bool  # the pick is one of the keys the output comes from


def score(question: Question, picked: int) -> Score:
    """Grade a pick (a key index). Raises ValueError for an index outside the keys."""
    if not 0 <= picked < len(question.keys):
        raise ValueError(f"picked key {picked} is outside 0..{len(question.keys) - 1}")
    return Score(
        right=picked == question.answer,
        picked=picked,
        picked_weight=float(question.weights[picked]),
        right_weight=float(question.weights[question.answer]),
        in_gold=picked in question.gold,
    )


@dataclass(frozen=True)
class Summary:
    right: int
    answered: int
    total: int
    missed: dict[str, int] = field(default_factory=dict)  # phenomenon -> wrong answers
    asked: dict[str, int] = field(default_factory=dict)  # phenomenon -> questions answered


def summarize(questions: list[Question], picks: dict[int, int]) -> Summary:
    """The round's score from picks {question index: picked key}; unanswered ones count
    neither right nor wrong."""
    scores = {i: score(questions[i], k) for i, k in picks.items()}
    missed = Counter(questions[i].phenomenon for i, s in scores.items() if not s.right)
    asked = Counter(questions[i].phenomenon for i in scores)
    return Summary(
        right=sum(s.right for s in scores.values()),
        answered=len(scores),
        total=len(questions),
        missed=dict(missed.most_common()),
        asked=dict(asked),
    )


def is_diffuse(weights: np.ndarray, kind: str) -> bool:
    """True when no key holds MIN_PEAK[kind] of the weight."""
    return float(np.max(weights)) < MIN_PEAK[kind]


def choose(
    candidates: list[Question],
    n: int,
    order: tuple[str, ...],
    rng: random.Random,
    group: Callable[[Question], str] = lambda q: q.phenomenon,
) -> list[Question]:
    """Up to n candidates, mixed: round-robin over the groups in `order` (then any other
    group; by default a group is a phenomenon), one question per input while that is
    possible, shuffled at the end."""
    groups: dict[str, list[Question]] = {g: [] for g in order}
    for c in candidates:
        groups.setdefault(group(c), []).append(c)
    for g in groups.values():
        rng.shuffle(g)
    chosen: list[Question] = []
    used: set[str] = set()
    for distinct in (True, False):
        progress = True
        while len(chosen) < n and progress:
            progress = False
            for g in groups.values():
                pick = next((c for c in g if not (distinct and c.source in used)), None)
                if pick is None or len(chosen) == n:
                    continue
                g.remove(pick)
                chosen.append(pick)
                used.add(pick.source)
                progress = True
    rng.shuffle(chosen)
    return chosen
