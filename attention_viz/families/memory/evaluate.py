"""How well the NTM copies: bit errors on fresh sequences, per length, and the CLI report.

python -m attention_viz evaluate ntm-copy                 # fresh sequences, lengths 1-30
python -m attention_viz evaluate ntm-copy --file seqs.tsv # lines: input<TAB>expected bits
"""

from __future__ import annotations

from pathlib import Path

import torch

from attention_viz.families.memory.data import copy_batch, format_bits, parse_bits

EVAL_SEED = 20_000  # fresh data: training draws from seed 0.., validation from 10_000
TARGET_PER_1000 = 1.0  # lengths 1..10: at most 1 wrong bit per 1,000
LONGER = (15, 20, 30)  # reported, not targeted


def errors_by_length(
    model, lengths, per_length: int, seed: int = EVAL_SEED, batch: int = 250
) -> dict[int, tuple[int, int, int]]:
    """length -> (wrong bits, bits, wrong sequences) on `per_length` fresh sequences each."""
    generator = torch.Generator().manual_seed(seed)
    width, result = model.config.width, {}
    for length in lengths:
        wrong = total = wrong_seqs = 0
        for start in range(0, per_length, batch):
            n = min(batch, per_length - start)
            _, targets = copy_batch(n, length, width, generator)  # (L, B, W)
            bits = targets.transpose(0, 1).bool()  # (B, L, W)
            miss = model.copy(bits.float()) != bits  # (B, L, W)
            wrong += int(miss.sum())
            total += miss.numel()
            wrong_seqs += int(miss.flatten(1).any(dim=1).sum())
        result[length] = (wrong, total, wrong_seqs)
    return result


def fresh_metrics(model, per_length: int = 1000, seed: int = EVAL_SEED) -> dict:
    """The figures the checkpoint records: errors per 1,000 bits on lengths 1..max and longer."""
    trained = model.config.max_length
    lengths = [*range(1, trained + 1), *(n for n in LONGER if n <= model.config.slots)]
    found = errors_by_length(model, lengths, per_length, seed)
    inside = [found[n] for n in range(1, trained + 1)]
    wrong, total = sum(e[0] for e in inside), sum(e[1] for e in inside)
    return {
        "fresh_seed": seed,
        "sequences_per_length": per_length,
        "bit_errors_per_1000_trained_lengths": 1000 * wrong / total,
        "sequence_accuracy_trained_lengths": 1 - sum(e[2] for e in inside) / (per_length * trained),
        "bit_errors_per_1000_by_length": {str(n): 1000 * e[0] / e[1] for n, e in found.items()},
    }


def report(metrics: dict, trained: int) -> str:
    lines = [
        f"fresh sequences (seed {metrics['fresh_seed']}), "
        f"{metrics['sequences_per_length']} per length",
        "length  wrong bits per 1000",
    ]
    for n, rate in metrics["bit_errors_per_1000_by_length"].items():
        note = "" if int(n) <= trained else "  (longer than trained: reported, not targeted)"
        lines.append(f"{n:>6}  {rate:10.3f}{note}")
    rate = metrics["bit_errors_per_1000_trained_lengths"]
    verdict = "meets" if rate <= TARGET_PER_1000 else "MISSES"
    lines.append(
        f"lengths 1-{trained}: {rate:.3f} wrong bits per 1000 ({verdict} the target "
        f"≤ {TARGET_PER_1000:g}); sequences copied exactly: "
        f"{metrics['sequence_accuracy_trained_lengths']:.2%}"
    )
    return "\n".join(lines)


def evaluate_file(model, file: str) -> tuple[int, int, list[str]]:
    """Lines 'input<TAB>expected' (bit rows) -> (wrong bits, bits, lines of the report)."""
    width, limit = model.config.width, model.config.slots
    wrong = total = 0
    lines = []
    for number, line in enumerate(Path(file).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        given, _, expected = line.partition("\t")
        try:
            bits = parse_bits(given, width, limit)
            target = parse_bits(expected, width, limit) if expected.strip() else bits
        except ValueError as e:
            raise ValueError(f"{file} line {number}: {e}") from None
        output = model.copy(torch.as_tensor(bits).unsqueeze(0).float())[0].numpy()
        if target.shape != output.shape:
            raise ValueError(
                f"{file} line {number}: expected {len(target)} rows, input has {len(bits)}"
            )
        miss = int((output != target).sum())
        wrong, total = wrong + miss, total + target.size
        lines.append(f"{'ok ' if miss == 0 else 'BAD'} {format_bits(output)}  ({miss} wrong bits)")
    return wrong, total, lines


def evaluate(model, file: str | None = None) -> int:
    """Print a report; exit code 0 when the target holds (or every file line is copied)."""
    if file is not None:
        wrong, total, lines = evaluate_file(model, file)
        print("\n".join(lines))
        print(f"{wrong} wrong bits out of {total}")
        return 0 if wrong == 0 else 1
    metrics = fresh_metrics(model, per_length=500)
    print(report(metrics, model.config.max_length))
    return 0 if metrics["bit_errors_per_1000_trained_lengths"] <= TARGET_PER_1000 else 1
