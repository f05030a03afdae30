"""Date conversion seq2seq (the attention chapter of "Deep Learning from Scratch 2")."""

from attention_viz.family import Family, ModelEntry

FAMILY = Family(
    key="dates",
    title="Date conversion",
    icon=":material/calendar_month:",
    blurb="Date conversion seq2seq: where the decoder looks for each digit of an ISO date",
    page="families/dates/page.py",
    models=(
        ModelEntry(
            "date-attention",
            "date seq2seq with dot-product attention over the encoder states (the book)",
            label="dot-product attention (the book)",
            colour="#1f77b4",
            score="dot",
            task="dates",
            options={"decoder": "attention"},
        ),
        ModelEntry(
            "date-additive",
            "date seq2seq with additive (Bahdanau) attention scores",
            label="additive (Bahdanau) attention",
            colour="#2ca02c",
            score="additive",
            task="dates",
            options={"decoder": "additive"},
        ),
        ModelEntry(
            "date-peeky",
            "date seq2seq, peeky decoder: final encoder state fed to every step",
            label="final state fed to every step",
            colour="#ff7f0e",
            task="dates",
            options={"decoder": "peeky"},
        ),
        ModelEntry(
            "date-baseline",
            "date seq2seq, decoder sees only the final encoder state (no attention)",
            label="encoder's final state only",
            colour="#7f7f7f",
            task="dates",
            options={"decoder": "baseline"},
        ),
    ),
    build="attention_viz.families.dates.model:build",
    train="attention_viz.families.dates.train:train",
    evaluate="attention_viz.families.dates.evaluate:evaluate",
    examples=(("book", "Tuesday, September 25, 1984"), ("short", "8/23/08")),
    bench="attention_viz.families.dates.bench:run",
    order=20,
)
