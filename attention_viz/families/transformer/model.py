"""Tiny trained transformers: the config of all of them, and the encoder–decoder (reverse, sort,
dates) returning the one Prediction type (the decoder-only model: language_model.py).

Head ablation is an argument: `model.predict(text, ablate={("cross", 0, 1)})` zeroes head 1
of layer 0's cross-attention for that call only; the shared model is never changed.

Shape symbols: B batch, T_k source length, T_q output length, T sequence length,
L layers, H heads, V vocabulary size.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from attention_viz.checkpoint import Checkpoint
from attention_viz.decoding import TOP_K, Decoded, Encoded, StepOutput
from attention_viz.families.transformer import encoding, incremental, tasks
from attention_viz.families.transformer.stacks import Decoder, Encoder
from attention_viz.prediction import AttentionMap, Axis, Prediction
from attention_viz.seq2seq import CHUNK, Seq2Seq, Source, check_each


@dataclass
class TransformerConfig:
    task: str = "reverse"  # reverse | sort | dates | induction
    d_model: int = 64  # D
    num_heads: int = 4  # H per attention layer
    encoder_layers: int = 1  # 0 for a decoder-only model
    decoder_layers: int = 1
    d_ff: int = 128  # MLP hidden size; 0: attention-only blocks
    positions: str = "sinusoidal"  # sinusoidal | learned | none
    max_len: int = 64  # longest sequence a learned position table covers
    pre_ln: bool = True  # LayerNorm before each sub-layer (trains without a long warmup)
    dropout: float = 0.0  # off: these tasks are generated, so there is no overfitting to fight


def _stack_args(c: TransformerConfig, vocab: int, layers: int) -> tuple:
    return (
        vocab,
        c.d_model,
        c.num_heads,
        layers,
        c.d_ff,
        c.positions,
        c.max_len,
        c.pre_ln,
        c.dropout,
    )


class _StepDecoder:
    """The seq2seq contract's decoder (attention_viz.decoding) over a Decoder stack.

    The state is the per-layer cache of keys and values; enc.final carries the ablation.
    """

    def __init__(self, stack: Decoder):
        self.stack = stack

    def init_state(self, enc: Encoded) -> tuple[torch.Tensor, ...]:
        return self.stack.empty_cache(enc.memory)

    def step(self, y_prev: torch.Tensor, state, enc: Encoded) -> StepOutput:
        logits, cache, _, cross = self.stack.step(y_prev, state, enc.mask, enc.final)
        return StepOutput(logits, cache, cross)  # cross: (B, L, H, T_k)

    def forward_all(self, target_in: torch.Tensor, enc: Encoded):
        """Teacher forcing in one pass: (logits (B, T_q, V), weights (B, T_q, L, H, T_k))."""
        out = self.stack(target_in, enc.memory, enc.mask, enc.final)
        return out.logits, out.cross_weights.permute(0, 3, 1, 2, 4)


class TransformerSeq2Seq(Seq2Seq):
    """Encoder–decoder transformer; text in, Predictions out (attention_viz.seq2seq)."""

    leading_axes = ("layer", "head")
    ablate: frozenset = frozenset()  # set on a per-call view by with_ablation(), never here

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.config = config
        self.task = _task(config.task)
        self.target_vocab = self.task.target_vocab
        self.bos_id = self.target_vocab.index(self.task.bos)
        self.eos_id = None if self.task.eos is None else self.target_vocab.index(self.task.eos)
        self.max_target_len = self.task.max_target_len
        self.encoder = Encoder(
            *_stack_args(config, len(self.task.source_vocab), config.encoder_layers)
        )
        self.decoder_stack = Decoder(
            *_stack_args(config, len(self.target_vocab), config.decoder_layers)
        )
        self.decoder = _StepDecoder(self.decoder_stack)

    # --- the contract's hooks ---

    def prepare(self, texts: list[str]) -> Source:
        cleaned = check_each(texts, self.task.check)
        ids, lens, warnings = self.task.source(cleaned)
        return Source(
            [list(t) for t in cleaned], torch.from_numpy(ids), torch.from_numpy(lens), warnings
        )

    def encode(self, ids: torch.Tensor, valid_lens: torch.Tensor) -> Encoded:
        mask = _mask(ids, valid_lens)
        memory, _ = self.encoder(ids, mask, self.ablate)
        return Encoded(memory, mask, self.ablate)

    def reference_ids(self, reference: str | list[str]) -> list[int]:
        """A reference as text (one token per character) or as a list of tokens."""
        tokens = list(reference)
        if not tokens or any(t not in self.target_vocab for t in tokens):
            raise ValueError(
                f"the reference must be tokens of the output alphabet, got {reference!r}"
            )
        return [self.target_vocab.index(t) for t in tokens]

    def checks(self, source: list[str], target: list[str]) -> dict:
        return self.task.checks("".join(source), "".join(target))

    def extra_maps(self, source: list[str], target: list[str]) -> dict[str, AttentionMap]:
        """Encoder and decoder self-attention, from one teacher-forced pass over the output."""
        s = self.prepare(["".join(source)])
        target_in = torch.tensor([[self.bos_id, *self.reference_ids(target)]]) if target else None
        with torch.inference_mode():
            mask = _mask(s.ids, s.valid_lens)
            memory, enc_w = self.encoder(s.ids.to(self.device), mask, self.ablate)
            maps = {
                "encoder-self": AttentionMap(
                    enc_w[0].float().cpu().numpy(),
                    Axis.tokens(source),
                    Axis.tokens(source),
                    self.leading_axes,
                )
            }
            if target_in is None:
                return maps
            out = self.decoder_stack(target_in.to(self.device), memory, mask, self.ablate)
        n = len(target)
        keys = ["<bos>", *target[:-1]]
        w = out.self_weights[0, :, :, :n, :n].float().cpu().numpy()  # (L, H, T_q, T_q)
        maps["decoder-self"] = AttentionMap(
            w, Axis.tokens(target), Axis.tokens(keys), self.leading_axes
        )
        return maps

    def logits(
        self, ids: torch.Tensor, valid_lens: torch.Tensor, target_in: torch.Tensor
    ) -> torch.Tensor:
        """Teacher forcing without weights, through the fused attention (training):
        ids (B, T_k), valid_lens (B,), target_in (B, T_q) -> logits (B, T_q, V)."""
        mask = _mask(ids, valid_lens)
        memory, _ = self.encoder(ids, mask, self.ablate, need_weights=False)
        return self.decoder_stack(target_in, memory, mask, self.ablate, need_weights=False).logits

    @property
    def device(self) -> torch.device:
        return self.decoder_stack.out.weight.device  # without walking every parameter

    # --- ablation: a per-call view that shares every parameter ---

    def with_ablation(self, ablate) -> TransformerSeq2Seq:
        """A shallow view of this model whose calls zero the (stack, layer, head) heads."""
        view = copy.copy(self)
        object.__setattr__(view, "ablate", frozenset(ablate))
        return view

    def predict(
        self, text: str, beam: int = 1, ablate=frozenset(), detail: bool = True
    ) -> Prediction:
        """One input. detail=True (what the page shows): every map (cross, encoder-self,
        decoder-self) and the top candidates of each step; False: the output and its
        cross-attention only. beam > 1: beam search (always in detail)."""
        if ablate:
            return self.with_ablation(ablate).predict(text, beam, detail=detail)
        if beam == 1:
            return self.predict_batch([text], detail)[0]
        return super().predict(text, beam)

    def predict_batch(
        self, texts: list[str], detail: bool = False, ablate=frozenset()
    ) -> list[Prediction]:
        """Greedy outputs (incremental.greedy_ids), which keeps each step's logits and
        weights for the maps, the top candidates and the log-probability."""
        if ablate:
            return self.with_ablation(ablate).predict_batch(texts, detail)
        out: list[Prediction] = []
        for start in range(0, len(texts), CHUNK):
            source = self._source(texts[start : start + CHUNK], first_line=start + 1)
            with torch.inference_mode():
                decoded, extra = self._decode(source, detail)
            out.extend(self._predictions(source, decoded, detail, extra=extra))
        return out

    def generate(self, texts: list[str]) -> list[str]:
        """Only the output texts (greedy; no maps): evaluation over many inputs."""
        out: list[str] = []
        for start in range(0, len(texts), CHUNK):
            source = self._source(texts[start : start + CHUNK], first_line=start + 1)
            with torch.inference_mode():
                memory, mask = self._memory(source, need_weights=False)[:2]
                ids = self._greedy(memory, mask).ids.tolist()
            out.extend(
                self.output_text([self.target_vocab[i] for i in row[:n]])
                for row, n in zip(ids, _lengths(ids, self.eos_id), strict=True)
            )
        return out

    def _memory(self, source: Source, need_weights: bool):
        """The encoder's fast path (encoding.py; inference only: no gradients)."""
        mask = _mask(source.ids, source.valid_lens)
        memory, weights = encoding.encode(self.encoder, source.ids, mask, self.ablate, need_weights)
        return memory, mask, weights

    def _greedy(
        self, memory: torch.Tensor, mask: torch.Tensor | None, keep: bool = False,
        keep_self: bool = False,
    ):  # fmt: skip
        return incremental.greedy_ids(
            self.decoder_stack, memory, mask, self.bos_id, self.eos_id, self.max_target_len,
            self.ablate, keep, keep_self,
        )  # fmt: skip

    def _decode(self, source: Source, detail: bool) -> tuple[Decoded, list[dict] | None]:
        """Greedy decoding, its logits and weights kept: (Decoded, with detail per input its
        self-attention maps)."""
        memory, mask, enc_w = self._memory(source, need_weights=detail)
        greedy = self._greedy(memory, mask, keep=True, keep_self=detail)
        ids = greedy.ids  # (B, T_q)
        logp = torch.log_softmax(greedy.logits.float(), -1)  # (B, T_q, V)
        chosen = logp.gather(-1, ids.unsqueeze(-1)).squeeze(-1).tolist()  # (B, T_q)
        lengths = _lengths(ids.tolist(), self.eos_id)
        # the <eos> step counts too
        log_prob = [sum(row[: n + 1]) for row, n in zip(chosen, lengths, strict=True)]
        top_i = top_p = None  # only the detailed Prediction lists candidates
        if detail:
            top_p, top_i = logp.topk(min(TOP_K, logp.shape[-1]), -1)  # (B, T_q, TOP_K)
            top_p = top_p.exp()
        decoded = Decoded(ids, lengths, greedy.cross_weights, log_prob, top_i, top_p)
        if not detail:
            return decoded, None
        enc = enc_w.float().cpu().numpy()  # (B, L, H, T_k, T_k)
        dec = greedy.self_weights.float().cpu().numpy()  # (B, L, H, T_q, T_q)
        extra = []
        for b, tokens in enumerate(source.tokens):
            n, k = lengths[b], len(tokens)
            target = [self.target_vocab[i] for i in ids[b, :n].tolist()]
            extra.append(
                {
                    "encoder-self": AttentionMap(
                        enc[b, ..., :k, :k], Axis.tokens(tokens), Axis.tokens(tokens),
                        self.leading_axes,
                    ),
                    "decoder-self": AttentionMap(
                        dec[b, ..., :n, :n], Axis.tokens(target),
                        Axis.tokens(["<bos>", *target[:-1]]), self.leading_axes,
                    ),
                }
            )  # fmt: skip
        return decoded, extra


def _lengths(ids: list[list[int]], eos: int | None) -> list[int]:
    """Tokens before the first <eos> of each row (all of them without an <eos>)."""
    return [row.index(eos) if eos in row else len(row) for row in ids]


def _mask(ids: torch.Tensor, valid_lens: torch.Tensor) -> torch.Tensor | None:
    """(B, T_k) True at real positions; None when nothing is padded."""
    B, T = ids.shape
    if B == 1 or bool((valid_lens == T).all()):  # one input is never padded
        return None
    return torch.arange(T, device=ids.device)[None, :] < valid_lens.to(ids.device)[:, None]


def _task(name: str):
    if name == "dates":
        from attention_viz.families.transformer.date_task import DateTask

        return DateTask()
    return tasks.TASKS[name]


def build(checkpoint: Checkpoint):
    """Rebuild a model from its checkpoint (the config in the JSON, the weights)."""
    from attention_viz.families.transformer.language_model import InductionLM

    config = TransformerConfig(**checkpoint.config)
    model = InductionLM(config) if config.task == "induction" else TransformerSeq2Seq(config)
    model.load_state_dict(checkpoint.state_dict)
    return model
