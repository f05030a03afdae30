"""Registers the date seq2seq models (family "dates"); imports no torch model code."""

from __future__ import annotations

from attention_viz.registry import ModelSpec, register

_SUMMARIES = {
    "date-baseline": "date seq2seq, decoder sees only the final encoder state (no attention)",
    "date-peeky": "date seq2seq, peeky decoder: final encoder state fed to every step",
    "date-attention": "date seq2seq with dot-product attention over the encoder states (the book)",
    "date-additive": "date seq2seq with additive (Bahdanau) attention scores",
}

register(
    *(
        ModelSpec(
            name=name,
            family="dates",
            summary=summary,
            build="attention_viz.models.date_seq2seq:build",
            train="attention_viz.training.dates:train",
            evaluate="attention_viz.training.dates_eval:evaluate",
        )
        for name, summary in _SUMMARIES.items()
    )
)
