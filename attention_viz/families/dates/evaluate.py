"""Scoring the date models: exact match, accuracy by input length, attention inside gold spans.

`python -m attention_viz evaluate date-attention [--file F.tsv]` prints these figures for fresh
test dates (or for the input<TAB>expected lines of a file) and lists the failures.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from attention_viz.analysis.tables import read_pairs
from attention_viz.families.dates import data, outside, vocab

LENGTH_BUCKET = 5  # accuracy by input length in buckets of 5 characters
# The low-confidence threshold is a low quantile of the confidence of correct predictions on
# fresh test dates: the smallest of these that puts at least half of the wrong test answers
# below the threshold (the first when too few are wrong to tell). So about 1 in 1,000 (up to
# 1 in 20) right answers on in-range dates is flagged; inputs that are no date in a trained
# format fall below it (each model's metrics["confidence"] records the figures).
CONFIDENCE_QUANTILES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05)
MIN_WRONG = 20  # fewer wrong test answers than this: use the first quantile


def exact_match(model, examples: list[data.Example]) -> float:
    """Fraction of examples whose whole ISO output is right (greedy decoding)."""
    if not examples:
        return float("nan")
    preds = model.predict_batch([e.text for e in examples])
    return float(np.mean([p.text == e.target for p, e in zip(preds, examples, strict=True)]))


def full_report(model, n: int = 20_000, seed: int = data.TEST_SEED) -> dict:
    """All figures on n fresh examples of the test dates (never seen in training).

    Returns:
        {"n", "exact_match", "valid_dates", "by_length": [{"chars", "n", "accuracy"}],
        "by_format": {name: accuracy}, "attention_in_span" (None without attention),
        "attention_in_span_by_field": {"year", "month", "day"}, "test_seed"}.
    """
    examples = data.generate(n, "test", seed)
    preds = model.predict_batch([e.text for e in examples])
    right = np.array([p.text == e.target for p, e in zip(preds, examples, strict=True)])
    by_length: dict[int, list[bool]] = defaultdict(list)
    by_format: dict[str, list[bool]] = defaultdict(list)
    for e, ok in zip(examples, right, strict=True):
        by_length[(len(e.text) - 1) // LENGTH_BUCKET].append(bool(ok))
        by_format[e.format].append(bool(ok))
    report = {
        "n": n,
        "test_seed": seed,
        "exact_match": round(float(right.mean()), 5),
        "valid_dates": round(float(np.mean([p.checks["valid_date"] for p in preds])), 5),
        "by_length": [
            {
                "chars": f"{k * LENGTH_BUCKET + 1}-{(k + 1) * LENGTH_BUCKET}",
                "n": len(v),
                "accuracy": round(float(np.mean(v)), 5),
            }
            for k, v in sorted(by_length.items())
        ],
        "by_format": {k: round(float(np.mean(v)), 5) for k, v in sorted(by_format.items())},
        "attention_in_span": None,
        "attention_in_span_by_field": None,
    }
    if preds and preds[0].attention is not None:
        total, by_field = attention_in_span(examples, [p.attention for p in preds])
        report["attention_in_span"] = round(total, 5)
        report["attention_in_span_by_field"] = {k: round(v, 5) for k, v in by_field.items()}
    return report


def confidences(model, texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Greedy outputs and their confidence: the least certain step's chosen probability."""
    preds = model.predict_batch(texts, detail=True)
    return [p.text for p in preds], np.array([p.confidence for p in preds])


def confidence_threshold(model, n: int = 20_000, seed: int = data.TEST_SEED) -> dict:
    """Choose the low-confidence threshold from the test dates' confidence distribution.

    threshold = a quantile q of the confidences of the correct predictions on n fresh test
    examples, q the smallest of CONFIDENCE_QUANTILES that puts at least half of the wrong
    predictions below it (the first when fewer than MIN_WRONG are wrong). About q of the
    right answers are then flagged. Also reports the share of a probe set of inputs that are
    no date in a trained format (outside.off_distribution) that falls below.

    Returns:
        {"threshold", "quantile", "n", "test_seed", "correct_below", "wrong", "wrong_below",
        "probe_n", "probe_below", "how"}.
    """
    examples = data.generate(n, "test", seed)
    outputs, conf = confidences(model, [e.text for e in examples])
    right = np.array([o == e.target for o, e in zip(outputs, examples, strict=True)])
    wrong = conf[~right]
    correct = conf[right] if right.any() else np.ones(1)
    quantile = CONFIDENCE_QUANTILES[0]
    if len(wrong) >= MIN_WRONG:
        for q in CONFIDENCE_QUANTILES:
            quantile = q
            if np.mean(wrong < np.quantile(correct, q)) >= 0.5:
                break
    threshold = float(np.quantile(correct, quantile))
    probes = outside.off_distribution()
    _, probe_conf = confidences(model, probes)
    return {
        "threshold": round(threshold, 4),
        "quantile": quantile,
        "n": n,
        "test_seed": seed,
        "correct_below": round(float(np.mean(correct < threshold)), 5),
        "wrong": len(wrong),
        "wrong_below": round(float(np.mean(wrong < threshold)), 4) if len(wrong) else None,
        "probe_n": len(probes),
        "probe_below": round(float(np.mean(probe_conf < threshold)), 4),
        "how": (
            f"the {quantile:.1%} quantile of the weakest-step probability of the correct "
            f"predictions on {n:,} fresh test dates (seed {seed})"
        ),
    }


def inference_speed(model, n: int = 10_000, repeats: int = 300) -> dict[str, float]:
    """Median latency of one predict() (ms) and predict_batch() throughput on n test dates."""
    from attention_viz.bench import median_seconds

    texts = [e.text for e in data.generate(n, "test", data.TEST_SEED)]
    one = median_seconds(lambda: model.predict("Tuesday, September 25, 1984"), repeats)
    batch = median_seconds(lambda: model.predict_batch(texts), repeats=3, warmup=1)
    return {"ms_per_date": round(one * 1e3, 3), "dates_per_s": round(n / batch)}


def attention_in_span(
    examples: list[data.Example], attention: list[np.ndarray]
) -> tuple[float, dict[str, float]]:
    """How often the attention argmax of a year/month/day output character lies in its field.

    Args:
        attention: per example a (10, len(text)) array of weights.
    Returns:
        (fraction over all year, month and day characters, fraction per field).
    """
    hits: dict[str, list[bool]] = {f: [] for f in data.FIELDS}
    for e, weights in zip(examples, attention, strict=True):
        peaks = weights.argmax(axis=1)  # (10,)
        for field, span, peak in zip(data.OUTPUT_FIELDS, e.output_spans(), peaks, strict=True):
            if field is not None:
                hits[field].append(span[0] <= peak < span[1])
    every = [h for v in hits.values() for h in v]
    return float(np.mean(every)), {k: float(np.mean(v)) for k, v in hits.items()}


def evaluate(model, file: str | None) -> int:
    """Registry entry: print the report for fresh test dates, or for a file's pairs."""
    if file is None:
        report = full_report(model, n=10_000)
        print(f"fresh test dates (seed {report['test_seed']}): n = {report['n']}")
        print(f"exact match: {report['exact_match']:.3%}   real dates: {report['valid_dates']:.2%}")
        print("accuracy by input length:")
        for row in report["by_length"]:
            print(f"  {row['chars']:>6} chars  n = {row['n']:5d}  {row['accuracy']:.3%}")
        if report["attention_in_span"] is not None:
            fields = ", ".join(
                f"{k} {v:.2%}" for k, v in report["attention_in_span_by_field"].items()
            )
            print(f"attention argmax in gold span: {report['attention_in_span']:.2%} ({fields})")
        return 0
    pairs = read_pairs(file)
    if not pairs:
        raise ValueError(f"{file} has no input<TAB>expected lines")
    failures = []
    valid = [(n, s, x) for n, s, x in pairs if _checks(s, model)]
    preds = model.predict_batch([s for _, s, _ in valid]) if valid else []
    got = {n: p.text for (n, _, _), p in zip(valid, preds, strict=True)}
    for number, source, expected in pairs:
        output = got.get(number, "(refused: empty or too long)")
        if output != expected:
            failures.append((number, source, expected, output))
    right = len(pairs) - len(failures)
    print(f"{file}: exact match {right}/{len(pairs)} = {right / len(pairs):.3%}")
    if failures:
        print(f"failures ({len(failures)}; first 50):")
        for number, source, expected, output in failures[:50]:
            print(f"  line {number}: {source!r} -> {output}  (expected {expected})")
    return 0


def _checks(text: str, model) -> bool:
    try:
        vocab.check_input(text, model.config.max_input_chars)
    except ValueError:
        return False
    return True
