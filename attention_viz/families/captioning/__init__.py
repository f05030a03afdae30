"""Attention over images: a captioner on generated scenes ("Show, Attend and Tell")."""

from attention_viz.family import Family, ModelEntry

FAMILY = Family(
    key="captioning",
    title="Attention over images",
    icon=":material/image:",
    blurb="Attention over images: a captioner that shows where it looks for every word",
    page="families/captioning/page.py",
    models=(
        ModelEntry(
            "caption-attention",
            "scene captioner, CNN regions + LSTM with soft additive attention (Xu et al. 2015)",
            label="soft attention over regions",
            colour="#1f77b4",
            score="additive-previous",
            options={"attention": True},
        ),
        ModelEntry(
            "caption-baseline",
            "scene captioner without attention: the mean of the regions at every step",
            label="mean of the regions (no attention)",
            colour="#7f7f7f",
            options={"attention": False},
        ),
    ),
    build="attention_viz.families.captioning.model:build",
    train="attention_viz.families.captioning.train:train",
    evaluate="attention_viz.families.captioning.evaluate:evaluate",
    bench_name="images",  # the issue calls it `bench images`
    bench="attention_viz.families.captioning.bench:run",
    read_input="attention_viz.families.captioning.inputs:read_input",
    describe="attention_viz.families.captioning.inputs:describe",
    examples=(("scene 3", "scene:3"),),
    order=60,
)
