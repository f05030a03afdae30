"""Corpus BLEU by sacrebleu, the field's reference implementation, over pre-tokenized text.

Every family that writes text (translation, captioning) scores it here, so its figures carry
sacrebleu's signature and can be set beside published ones. The models read and write
tokens, not raw strings: the hypotheses and references are scored as those tokens
(tokenize="none", tokens joined by single spaces). sacrebleu's default 13a tokenizer would
split them again (French "l'" into "l '", "n'" into "n '"), so BLEU would count n-grams of
units the model never produced; the signature says tok:none so a reader knows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sacrebleu.metrics import BLEU


@dataclass(frozen=True)
class BleuScore:
    score: float  # corpus BLEU, 0-100
    signature: str  # e.g. "nrefs:1|case:mixed|eff:no|tok:none|smooth:exp|version:2.6.0"

    def __str__(self) -> str:
        return f"BLEU {self.score:.1f} ({self.signature})"


def corpus_bleu(
    hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]]
) -> BleuScore:
    """Corpus BLEU of token lists against one reference each (sacrebleu, tokenize="none").

    Args:
        hypotheses: per sentence, the system's tokens.
        references: per sentence, its one reference's tokens.

    Raises:
        ValueError: different counts, or a token that is empty or contains whitespace (it
        would not survive the join-and-split).
    """
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    for sentence in (*hypotheses, *references):
        for token in sentence:
            if not token or any(c.isspace() for c in token):
                raise ValueError(f"token {token!r} is empty or contains whitespace")
    bleu = BLEU(tokenize="none")
    result = bleu.corpus_score(
        [" ".join(h) for h in hypotheses], [[" ".join(r) for r in references]]
    )
    return BleuScore(float(result.score), str(bleu.get_signature()))
