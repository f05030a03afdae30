"""The page's weight matrices (Streamlit): preset, URL or the user's edits; their CSV downloads.

Each matrix has a base (its preset, or the URL's matrix on the first run) shown in a data
editor; the editor's key changes whenever the base does, so a new preset clears old edits.
An edited matrix is written to the URL in presets.encode_matrix's compact form.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from attention_viz.analysis.tables import csv_text, matrix_csv
from attention_viz.families.selfattention.presets import decode_matrix, encode_matrix
from attention_viz.families.selfattention.steps import Steps

RESTORED = "sa_matrices_restored"  # set once the URL's matrices have been read
MAX_EDITABLE = 16  # d_model up to which the matrices get a data editor


def first_run() -> bool:
    """True on a session's first run (the URL's matrices are read only then)."""
    first = RESTORED not in st.session_state
    st.session_state[RESTORED] = True
    return first


def base_matrix(
    name: str, preset: np.ndarray, signature: tuple, from_url: bool, warnings: list[str]
) -> tuple[np.ndarray, int]:
    """The matrix the editor starts from and the editor's version number."""
    key = f"sa_base_{name}"
    stored = st.session_state.get(key)
    if stored is not None and stored[0] == signature:
        return stored[1], stored[2]
    base = preset
    raw = st.query_params.get(name) if from_url else None
    if raw is not None:
        try:
            base = decode_matrix(raw, preset.shape)
        except ValueError as reason:
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            warnings.append(
                f"URL parameter {name}={shown!r} is not a {preset.shape[0]}×{preset.shape[1]}"
                f" matrix ({reason}); using the preset."
            )
    version = (stored[2] + 1) if stored is not None else 0
    st.session_state[key] = (signature, base, version)
    return base, version


def edit(name: str, label: str, base: np.ndarray, version: int, row_labels=None) -> np.ndarray:
    """A data editor over the matrix when it is small enough; returns the current matrix."""
    if base.shape[0] > MAX_EDITABLE:
        return base
    frame = pd.DataFrame(base, columns=[str(c) for c in range(base.shape[1])], index=row_labels)
    st.caption(label)
    edited = st.data_editor(
        frame,
        key=f"sa_editor_{name}_{version}",
        width="stretch",
        column_config={c: st.column_config.NumberColumn(format="%.2f") for c in frame.columns},
    )
    values = edited.to_numpy(dtype=np.float64)
    return np.where(np.isfinite(values), values, 0.0)  # a cleared cell counts as 0


def sync(name: str, matrix: np.ndarray, preset: np.ndarray) -> None:
    """Write an edited matrix to the URL; a matrix equal to its preset is left out."""
    text = None if np.allclose(matrix, preset, atol=1e-9) else encode_matrix(matrix)
    if text is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != text:
        st.query_params[name] = text


def downloads(steps: Steps, tokens: list[str], weights) -> None:
    """Two CSV downloads: the weight matrices, and the attention weights of every head."""
    w_q, w_k, w_v, w_o = weights

    def parameters() -> str:
        rows = []
        for name, w in (("W_Q", w_q), ("W_K", w_k), ("W_V", w_v)):
            for h in range(w.shape[0]):
                rows += [
                    [f"{name} head {h + 1}", r, *map(float, w[h, r])] for r in range(w.shape[1])
                ]
        rows += [["W_O", r, *map(float, w_o[r])] for r in range(w_o.shape[0])]
        width = max(len(r) for r in rows) - 2
        return csv_text(["matrix", "row", *map(str, range(width))], rows)

    def attention() -> str:
        labels = [
            f"head {h + 1} query {i} {t}"
            for h in range(steps.n_heads)
            for i, t in enumerate(tokens)
        ]
        return matrix_csv(
            ["head / query \\ key", *tokens], steps.weights.reshape(-1, len(tokens)), labels
        )

    c = st.columns(2)
    c[0].download_button(
        "Download W_Q, W_K, W_V, W_O (CSV)",
        parameters,
        file_name="selfattention_weights.csv",
        mime="text/csv",
        key="sa_download_w",
        on_click="ignore",
    )
    c[1].download_button(
        "Download the attention weights (CSV)",
        attention,
        file_name="selfattention_attention.csv",
        mime="text/csv",
        key="sa_download_a",
        on_click="ignore",
    )
