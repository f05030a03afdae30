"""Scoring the tiny transformers on freshly generated data (seeds no training run uses).

`python -m attention_viz evaluate transformer-reverse [--file F.tsv]` prints the report, or
scores the input<TAB>expected lines of a file.
"""

from __future__ import annotations

import numpy as np

from attention_viz.analysis.tables import read_pairs
from attention_viz.families.transformer import analysis, tasks

LONGER = (13, 16, 20, 24)  # reverse/sort input lengths beyond the trained 1-12, reported


def headline(model, n: int, seed: int) -> float:
    """Exact match (seq2seq) or second-half next-token accuracy (induction) on n inputs."""
    if model.task.name == "induction":
        return induction_accuracy(model, model.task.generate(n, seed))
    if model.task.name == "dates":
        from attention_viz.families.dates import data

        examples = data.generate(n, "test" if seed == data.TEST_SEED else "val", seed)
        outputs = model.generate([e.text for e in examples])
        return float(np.mean([o == e.target for o, e in zip(outputs, examples, strict=True)]))
    return exact_match(model, model.task.generate(n, seed))


def exact_match(model, texts: list[str]) -> float:
    outputs = model.generate(texts)
    return float(np.mean([o == model.task.target(t) for o, t in zip(outputs, texts, strict=True)]))


def induction_accuracy(model, texts: list[str]) -> float:
    """Share of second-half tokens (after the first) predicted right."""
    right = []
    for p, text in zip(model.predict_batch(texts), texts, strict=True):
        half = len(text) // 2
        right += [p.target_tokens[t] == text[t + 1] for t in range(half, 2 * half - 1)]
    return float(np.mean(right))


def induction_heads(model, texts: list[str]) -> dict:
    """Per layer and head, mean previous-token and induction scores over the texts."""
    preds = model.predict_batch(texts, detail=True)
    maps = [p.maps["decoder-self"].weights for p in preds]
    L, H = maps[0].shape[:2]
    prev = np.zeros((L, H))
    induct = np.zeros((L, H))
    for w, text in zip(maps, texts, strict=True):
        for layer in range(L):
            for head in range(H):
                prev[layer, head] += analysis.previous_token_score(w[layer, head]) / len(texts)
                induct[layer, head] += analysis.induction_score(w[layer, head], list(text)) / len(
                    texts
                )
    best = np.unravel_index(induct[-1].argmax(), induct[-1].shape)
    return {
        "previous_token": np.round(prev, 4).tolist(),
        "induction": np.round(induct, 4).tolist(),
        "best_previous_token_head_layer1": [0, int(prev[0].argmax())],
        "best_previous_token_score_layer1": round(float(prev[0].max()), 4),
        "best_induction_head": [L - 1, int(best[0])],
        "best_induction_score": round(float(induct[-1].max()), 4),
    }


def copy_attention(model, texts: list[str]) -> float:
    """Share of output characters whose last-layer head-mean cross-attention argmax holds the
    character emitted (reverse and sort: each step looks at the element it writes)."""
    scores = []
    for p in model.predict_batch(texts):
        scores.append(analysis.copy_score(p.attention, p.target_tokens, p.source_tokens))
    return float(np.mean(scores))


def report(model, quick: bool = False) -> dict:
    """All figures on fresh test data (tasks.TEST_SEED, or the dates' TEST_SEED)."""
    n = 100 if quick else 2_000
    name = model.task.name
    if name == "induction":
        texts = model.task.generate(n, tasks.TEST_SEED)
        return {
            "n": n,
            "test_seed": tasks.TEST_SEED,
            "second_half_accuracy": round(induction_accuracy(model, texts), 5),
            **induction_heads(model, texts[: min(n, 500)]),
        }
    if name == "dates":
        return _dates_report(model, n * 5)
    texts = model.task.generate(n, tasks.TEST_SEED)
    longer = {
        str(k): round(exact_match(model, model.task.generate(n // 4, tasks.TEST_SEED + k, k, k)), 5)
        for k in LONGER
    }
    return {
        "n": n,
        "test_seed": tasks.TEST_SEED,
        "exact_match": round(exact_match(model, texts), 5),
        "copy_attention": round(copy_attention(model, texts), 5),
        "exact_match_longer_inputs": longer,
    }


def _dates_report(model, n: int) -> dict:
    from attention_viz.families.dates import data
    from attention_viz.families.dates.evaluate import attention_in_span

    examples = data.generate(n, "test", data.TEST_SEED)
    preds = model.predict_batch([e.text for e in examples])
    right = np.mean([p.text == e.target for p, e in zip(preds, examples, strict=True)])
    total, by_field = attention_in_span(examples, [p.attention for p in preds])
    return {
        "n": n,
        "test_seed": data.TEST_SEED,
        "exact_match": round(float(right), 5),
        "valid_dates": round(float(np.mean([p.checks["valid_date"] for p in preds])), 5),
        "attention_in_span": round(total, 5),
        "attention_in_span_by_field": {k: round(v, 5) for k, v in by_field.items()},
    }


def format_report(metrics: dict) -> str:
    lines = [f"fresh test data: n = {metrics['n']} (seed {metrics['test_seed']})"]
    for key, value in metrics.items():
        if key in ("n", "test_seed", "previous_token", "induction"):
            continue
        lines.append(f"  {key}: {value}")
    return "\n".join(lines)


def evaluate(model, file: str | None) -> int:
    """Registry entry: print the report on fresh data, or score a file's pairs."""
    if file is None:
        print(format_report(report(model)))
        return 0
    pairs = read_pairs(file)
    if not pairs:
        raise ValueError(f"{file} has no input<TAB>expected lines")
    failures = []
    for number, source, expected in pairs:
        try:
            output = model.predict(source).text
        except ValueError as e:
            output = f"(refused: {e})"
        if output != expected:
            failures.append((number, source, expected, output))
    right = len(pairs) - len(failures)
    print(f"{file}: exact match {right}/{len(pairs)} = {right / len(pairs):.3%}")
    for number, source, expected, output in failures[:50]:
        print(f"  line {number}: {source!r} -> {output}  (expected {expected})")
    return 0
