"""Training loops and evaluation reports: `python -m attention_viz train|evaluate NAME`."""
