"""Tiny trained transformers: reversal, sorting, induction heads and dates, head by head."""

from attention_viz.family import Family, ModelEntry

FAMILY = Family(
    key="transformer",
    title="Transformer",
    icon=":material/account_tree:",
    blurb="Tiny trained transformers: a layer × head grid, head ablation, induction heads",
    page="families/transformer/page.py",
    models=(
        ModelEntry(
            "transformer-reverse",
            "encoder–decoder transformer that reverses a string of digits and letters",
            label="reverse (encoder–decoder)",
            colour="#9467bd",
            score="scaled-dot",
            example="hello2024",
            options={"kind": "seq2seq"},
        ),
        ModelEntry(
            "transformer-sort",
            "encoder–decoder transformer that sorts a string of digits and letters",
            label="sort (encoder–decoder)",
            colour="#8c564b",
            score="scaled-dot",
            example="q7b3zk1a",
            options={"kind": "seq2seq"},
        ),
        ModelEntry(
            "transformer-induction",
            "2-layer attention-only decoder that continues a repeated random sequence",
            label="induction heads (decoder-only)",
            colour="#e377c2",
            score="scaled-dot",
            example="qwertyuiqwertyui",
            options={"kind": "decoder-only"},
        ),
        ModelEntry(
            "transformer-dates",
            "encoder–decoder transformer on the date-conversion data (ISO YYYY-MM-DD)",
            label="dates (encoder–decoder)",
            colour="#17becf",
            score="scaled-dot",
            example="Tuesday, September 25, 1984",
            task="dates",
            options={"kind": "seq2seq"},
        ),
    ),
    build="attention_viz.families.transformer.model:build",
    train="attention_viz.families.transformer.train:train",
    evaluate="attention_viz.families.transformer.evaluate:evaluate",
    bench="attention_viz.families.transformer.bench:run",
    examples=(("reverse", "hello2024"), ("induction", "qwertyuiqwertyui")),
    order=50,
)
