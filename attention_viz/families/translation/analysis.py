"""One sentence through a translation model, set beside its reference: what the page shows.

from attention_viz import load_model
from attention_viz.families.translation.analysis import analyse
a = analyse(load_model("translation-attention"), "the black cat does not eat the apples")
a.prediction.attention, a.reference.alignment, a.aer
"""

from __future__ import annotations

from dataclasses import dataclass

from attention_viz.families.translation.grammar import Translation, reference_translate
from attention_viz.families.translation.metrics import alignment_error_rate, argmax_alignment
from attention_viz.prediction import Prediction


@dataclass(frozen=True)
class Analysis:
    prediction: Prediction  # free running (greedy or beam), or teacher forced
    reference: Translation | None  # the grammar's translation and gold alignment
    reference_error: str | None  # why there is no reference (outside the grammar)
    aer: float | None  # AER of the shown attention; None when its words differ from the gold
    forced_aer: float | None  # AER under teacher forcing (always defined with a reference)

    @property
    def correct(self) -> bool | None:
        if self.reference is None:
            return None
        return self.prediction.target_tokens == self.reference.target_tokens


def gold_cells(reference: Translation) -> list[tuple[int, int]]:
    """The gold alignment as heatmap cells (French row, English column)."""
    return [(t, j) for j, t in reference.alignment]


def sentence_aer(prediction: Prediction, reference: Translation) -> float | None:
    """AER of a prediction's attention argmax, if it wrote exactly the reference's words."""
    if prediction.attention is None or prediction.target_tokens != reference.target_tokens:
        return None
    return alignment_error_rate([argmax_alignment(prediction.attention)], [reference.alignment])


def analyse(model, text: str, beam: int = 1, forced: bool = False) -> Analysis:
    """Translate `text` and score its attention against the gold alignment.

    Args:
        model: a translation model (Translator) from load_model.
        beam: 1 for greedy decoding, more for beam search.
        forced: show teacher forcing (the model reads the reference) instead of free running;
            falls back to free running when the sentence has no reference.
    Raises:
        ValueError: the model refuses the input (empty, too long, unknown words).
    """
    free = model.predict(text, beam=beam) if beam > 1 else model.predict(text)
    try:
        reference, error = reference_translate(text), None
    except ValueError as e:
        return Analysis(free, None, str(e), None, None)
    teacher = model.teacher_forced(text, reference.target_tokens)
    forced_aer = sentence_aer(teacher, reference)
    shown = teacher if forced else free
    return Analysis(shown, reference, error, sentence_aer(shown, reference), forced_aer)
