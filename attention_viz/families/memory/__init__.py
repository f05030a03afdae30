"""Memory: Neural Turing Machine addressing and a trained copy-task NTM (Graves et al. 2014)."""

from attention_viz.family import Family, ModelEntry

FAMILY = Family(
    key="memory",
    title="Memory (NTM)",
    icon=":material/memory:",
    blurb="Neural Turing Machine: attention that reads and writes memory, watched while it copies",
    page="families/memory/page.py",
    models=(
        ModelEntry(
            "ntm-copy",
            "Neural Turing Machine (LSTM controller, 1 read + 1 write head) on the copy task",
            label="NTM, copy task",
            colour="#9467bd",
            options={"task": "copy"},
        ),
    ),
    build="attention_viz.families.memory.model:build",
    train="attention_viz.families.memory.train:train",
    evaluate="attention_viz.families.memory.evaluate:evaluate",
    bench="attention_viz.families.memory.bench:run",
    read_input="attention_viz.families.memory.cli:read_input",
    describe="attention_viz.families.memory.cli:describe",
    examples=(
        ("five vectors", "01100110 10110001 00011110 11110000 01010101"),
        ("random", "random:10:1"),
    ),
    order=70,
)
