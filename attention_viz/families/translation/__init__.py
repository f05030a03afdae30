"""Toy English→French translation with gold word alignments."""

from attention_viz.family import Family, ModelEntry

FAMILY = Family(
    key="translation",
    title="Translation",
    icon=":material/translate:",
    blurb="Toy English→French translation: alignments that cross, scored against the gold ones",
    page="families/translation/page.py",
    models=(
        ModelEntry(
            "translation-attention",
            "English→French, BiGRU + Bahdanau additive attention",
            label="additive (Bahdanau)",
            colour="#1f77b4",
            score="additive-previous",
            options={"attention": "additive"},
        ),
        ModelEntry(
            "translation-dot",
            "English→French, BiGRU + Luong dot-score attention",
            label="dot (Luong)",
            colour="#2ca02c",
            score="dot",
            options={"attention": "dot"},
        ),
        ModelEntry(
            "translation-location",
            "English→French, location-based attention (PyTorch tutorial), blind to the encoder",
            label="location-based (PyTorch tutorial)",
            colour="#d62728",
            score="location",
            options={"attention": "location"},
        ),
    ),
    build="attention_viz.families.translation.model:build",
    train="attention_viz.families.translation.train:train",
    evaluate="attention_viz.families.translation.evaluate:evaluate",
    examples=(("negation", "the black cat does not eat the apples"),),
    bench="attention_viz.families.translation.bench:run",
    order=30,
)
