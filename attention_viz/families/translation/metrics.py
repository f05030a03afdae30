"""Translation metrics: alignment error rate, per-phenomenon accuracy, the metrics table.

Pure functions of tokens, pairs and numpy arrays; no model, no torch. BLEU is sacrebleu's,
through attention_viz.analysis.bleu.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np


def argmax_alignment(attention: np.ndarray) -> set[tuple[int, int]]:
    """(source, target) pairs linking each target word to the source word it attends most.

    attention: (T_q, T_k), one row per target word.
    """
    return {(int(np.argmax(row)), j) for j, row in enumerate(attention)}


def sure_and_possible(gold: Iterable[tuple[int, int]]) -> tuple[set, set]:
    """Split a gold alignment: a target word with one source word is a sure link (S); a word
    made from several (du <- of + the) has possible links only (P ⊇ S)."""
    gold = set(gold)
    per_target = Counter(j for _, j in gold)
    return {(i, j) for i, j in gold if per_target[j] == 1}, gold


def alignment_error_rate(
    predicted: Sequence[set[tuple[int, int]]], gold: Sequence[Iterable[tuple[int, int]]]
) -> float:
    """Och & Ney (2003) AER over a corpus: 1 - (|A∩S| + |A∩P|) / (|A| + |S|), in [0, 1].

    Args:
        predicted: per sentence, the model's links A (e.g. argmax_alignment of its attention).
        gold: per sentence, the gold links; sure and possible as in sure_and_possible().
    """
    a_s = a_p = a_n = s_n = 0
    for a, g in zip(predicted, gold, strict=True):
        sure, possible = sure_and_possible(g)
        a_s += len(a & sure)
        a_p += len(a & possible)
        a_n += len(a)
        s_n += len(sure)
    if a_n + s_n == 0:
        return 0.0
    return 1.0 - (a_s + a_p) / (a_n + s_n)


def accuracy_by_tag(
    correct: Sequence[bool], tags: Sequence[Iterable[str]], names: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Exact-match accuracy among the sentences carrying each tag: {tag: {accuracy, count}}."""
    out = {}
    for name in names:
        hits = [c for c, t in zip(correct, tags, strict=True) if name in t]
        out[name] = {"accuracy": float(np.mean(hits)) if hits else float("nan"), "count": len(hits)}
    return out


def metrics_table(record: dict) -> list[dict]:
    """One row per test set of a shipped record: count, exact match, BLEU, AER, phenomena."""
    return [
        {
            "test set": split,
            "sentences": m["count"],
            "exact match": m["exact_match"],
            "BLEU": m["bleu"],
            "AER": m.get("aer"),
            **{k: v["accuracy"] for k, v in m["phenomena"].items()},
        }
        for split, m in record.get("metrics", {}).items()
    ]
