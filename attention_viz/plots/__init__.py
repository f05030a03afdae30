"""Plotly figure builders. They take arrays and labels, never models, and never draw."""
