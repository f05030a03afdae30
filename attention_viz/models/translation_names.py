"""Registers the translation models' names; imports no model code (listing stays cheap)."""

from attention_viz.registry import ModelSpec, register

_BUILD = "attention_viz.models.translation:build"
_TRAIN = "attention_viz.training.translation:train"
_EVALUATE = "attention_viz.training.translation_eval:evaluate"

register(
    ModelSpec(
        "translation-attention",
        "translation",
        "English→French, BiGRU + Bahdanau additive attention",
        _BUILD,
        _TRAIN,
        _EVALUATE,
    ),
    ModelSpec(
        "translation-dot",
        "translation",
        "English→French, BiGRU + Luong dot-score attention",
        _BUILD,
        _TRAIN,
        _EVALUATE,
    ),
    ModelSpec(
        "translation-location",
        "translation",
        "English→French, location-based attention (PyTorch tutorial), blind to the encoder",
        _BUILD,
        _TRAIN,
        _EVALUATE,
    ),
)
