"""Translation metrics: corpus BLEU, alignment error rate, per-phenomenon accuracy.

Pure functions of tokens, pairs and numpy arrays; no model, no torch.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(
    hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]], max_n: int = 4
) -> float:
    """Papineni et al. (2002) corpus BLEU with one reference per sentence, in [0, 1].

    Clipped n-gram counts and lengths are summed over the corpus before the geometric mean of
    the 1..max_n precisions and the brevity penalty exp(1 - r/c) when c < r (no smoothing).
    """
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    matches, totals = [0] * max_n, [0] * max_n
    hyp_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references, strict=True):
        hyp_len += len(hyp)
        ref_len += len(ref)
        for n in range(1, max_n + 1):
            h, r = _ngrams(hyp, n), _ngrams(ref, n)
            matches[n - 1] += sum(min(c, r[g]) for g, c in h.items())
            totals[n - 1] += max(len(hyp) - n + 1, 0)
    if hyp_len == 0 or min(matches) == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals, strict=True)) / max_n
    brevity = 1.0 if hyp_len >= ref_len else math.exp(1 - ref_len / hyp_len)
    return brevity * math.exp(log_precision)


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
