"""Home: what query, key, value and attention pooling are, and where to see them."""

import streamlit as st

from attention_viz.families import families
from attention_viz.family import PACKAGE_DIR

st.title("Attention Lab")
st.markdown(
    """
Attention lets a model decide, for each thing it produces, **where to look** in its input.
Every page here shows those decisions as heatmaps you can change live.

- A **query** is what the model is working on now: a test input, or the word being written.
- A **key** describes each item that can be looked at: a training input, or an input word.
- A **value** is what each item contributes: a training target, or an encoder state.
- **Attention pooling** scores the query against every key, turns the scores into weights
  that are positive and sum to 1 (a softmax), and returns the weighted sum of the values.
"""
)
st.latex(r"\operatorname{attention}(q, \{(k_i, v_i)\}) = \sum_i \alpha(q, k_i)\, v_i")
st.latex(r"\alpha(q, k_i) = \frac{\exp a(q, k_i)}{\sum_j \exp a(q, k_j)}")
st.markdown(
    "The score $a(q, k)$ is what differs between models: a kernel of the distance, a dot "
    "product, or a small neural network. Each row of a heatmap is one query's weights."
)
st.page_link(
    str(PACKAGE_DIR / "ui/lecture_page.py"),
    label="Teach with it: the lecture path through every page",
    icon=":material/school:",
)
st.subheader("Models")
for f in families():
    if f.page is not None:
        st.page_link(str(f.page_path()), label=f.blurb, icon=f.icon)
