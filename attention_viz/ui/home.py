"""Home: what query, key, value and attention pooling are, and where to see them."""

import streamlit as st

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
st.subheader("Models")
st.page_link(
    "attention_viz/ui/kernel_regression.py",
    label="Nadaraya–Watson kernel regression: drag the kernel width, watch the fit change",
    icon=":material/scatter_plot:",
)
st.page_link(
    "attention_viz/ui/dates.py",
    label="Date conversion seq2seq: where the decoder looks for each digit of an ISO date",
    icon=":material/calendar_month:",
)
st.page_link(
    "attention_viz/ui/translation.py",
    label="Toy English→French translation: alignments that cross, scored against the gold ones",
    icon=":material/translate:",
)
