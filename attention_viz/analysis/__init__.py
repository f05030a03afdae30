"""What a page or a notebook asks of a model's output: entropy, gold spans, scores, tables."""
