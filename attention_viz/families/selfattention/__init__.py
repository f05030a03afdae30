"""Self-attention, step by step: every intermediate matrix of one attention layer on screen.

A pure-computation page (no trained models): typed words become small vectors, and the page
shows X -> Q, K, V -> scores -> scaling -> mask -> softmax -> output for each head.
"""

from attention_viz.family import Family

FAMILY = Family(
    key="selfattention",
    title="Self-attention, step by step",
    icon=":material/grid_on:",
    blurb="Self-attention, step by step: Q, K, V, scores, scaling, mask, softmax and heads",
    page="families/selfattention/page.py",
    order=40,
)
