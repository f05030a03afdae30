"""Attention Lab: attention weights of small models, as numpy arrays and plotly figures.

    from attention_viz import load_model, list_models
    from attention_viz.kernel_regression import nadaraya_watson

Importing the package has no side effects and does not import streamlit.
"""

from attention_viz.checkpoint import WeightsError
from attention_viz.prediction import Prediction
from attention_viz.registry import list_models, load_model

__all__ = ["Prediction", "WeightsError", "list_models", "load_model"]
__version__ = "0.1.0"
