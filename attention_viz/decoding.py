"""Greedy and beam search over any decoder of the seq2seq contract (attention_viz.seq2seq).

A decoder has two methods:

    init_state(enc: Encoded) -> state                      a tuple of (B, ...) tensors
    step(y_prev (B,), state, enc) -> StepOutput(logits (B, V), state, weights (B, *A, T_k) | None)

where *A are leading attention axes (e.g. layer, head) or none. Both searches return the
attention of every output token. Call them under torch.inference_mode(); nothing here changes
the model. eos=None decodes exactly max_len tokens (a fixed-length output such as a date).

Shape symbols: B batch size, K beam width, T_k source length, T_q output length,
V target vocabulary size, A leading attention axes (possibly none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import torch

TOP_K = 3  # candidates kept per step for the step-through


class Encoded(NamedTuple):
    """What an encoder hands the decoder."""

    memory: torch.Tensor  # (B, T_k, D) keys and values the decoder attends over
    mask: torch.Tensor | None  # (B, T_k) bool, True at real positions; None: nothing padded
    final: Any  # what the decoder's init_state starts from (e.g. the last hidden state)


class StepOutput(NamedTuple):
    logits: torch.Tensor  # (B, V)
    state: tuple[torch.Tensor, ...]
    weights: torch.Tensor | None  # (B, *A, T_k) attention weights; None without attention


@dataclass
class Decoded:
    """A batch of decodings; row b's output is ids[b, : lengths[b]] (no <bos>/<eos>)."""

    ids: torch.Tensor  # (B, T_q)
    lengths: list[int]  # tokens before <eos> (or T_q)
    weights: torch.Tensor | None  # (B, T_q, *A, T_k)
    log_prob: list[float]  # of each output, its <eos> step included
    top_ids: torch.Tensor  # (B, T_q, TOP_K) likeliest tokens at each step
    top_probs: torch.Tensor  # (B, T_q, TOP_K)


def greedy(decoder, enc: Encoded, bos: int, eos: int | None, max_len: int) -> Decoded:
    """Pick the likeliest token at each step, for a batch; stops when every row has <eos>."""
    B = enc.memory.shape[0]
    device = enc.memory.device
    y = torch.full((B,), bos, dtype=torch.long, device=device)
    state = decoder.init_state(enc)
    ids, rows, logps, top_i, top_p = [], [], [], [], []
    finished = torch.zeros(B, dtype=torch.bool, device=device)
    for _ in range(max_len):
        out = decoder.step(y, state, enc)
        state = out.state
        logp = torch.log_softmax(out.logits, -1)  # (B, V)
        best, y = logp.max(-1)  # (B,), (B,)
        tl, ti = logp.topk(min(TOP_K, logp.shape[-1]), -1)  # (B, TOP_K)
        ids.append(y)
        logps.append(best)
        top_i.append(ti)
        top_p.append(tl.exp())
        if out.weights is not None:
            rows.append(out.weights)
        if eos is not None:
            finished |= y == eos
            if bool(finished.all()):
                break
    ids_t = torch.stack(ids, 1)  # (B, T_q)
    logp_t = torch.stack(logps, 1)  # (B, T_q)
    lengths = _lengths(ids_t, eos)
    counted = [min(n + 1, ids_t.shape[1]) for n in lengths]  # the <eos> step counts too
    cum = logp_t.detach().cumsum(1)  # (B, T_q); a number to show, outside inference_mode too
    log_prob = [float(cum[b, counted[b] - 1]) for b in range(B)]
    weights = torch.stack(rows, 1) if rows else None  # (B, T_q, *A, T_k)
    return Decoded(ids_t, lengths, weights, log_prob, torch.stack(top_i, 1), torch.stack(top_p, 1))


def beam_search(
    decoder, enc: Encoded, bos: int, eos: int | None, max_len: int, beam: int
) -> Decoded:
    """Keep the `beam` likeliest partial outputs of one input (a batch of 1).

    Finished hypotheses are ranked by log probability / length, so short ones are not
    favoured. Returns the best, with the attention and top candidates of its own path.
    """
    device = enc.memory.device
    state = decoder.init_state(enc)
    scores = torch.zeros(1, device=device)  # (K,) log probabilities of the live hypotheses
    tokens = torch.full((1, 1), bos, dtype=torch.long, device=device)  # (K, 1 + T_q)
    attn: torch.Tensor | None = None  # (K, T_q, *A, T_k)
    tops_i = torch.zeros(1, 0, TOP_K, dtype=torch.long, device=device)  # (K, T_q, TOP_K)
    tops_p = torch.zeros(1, 0, TOP_K, device=device)
    finished: list[tuple[float, float, torch.Tensor, Any, torch.Tensor, torch.Tensor]] = []
    for t in range(max_len):
        K = tokens.shape[0]
        out = decoder.step(tokens[:, -1], state, _expand(enc, K))
        logp = torch.log_softmax(out.logits, -1)  # (K, V)
        tl, ti = logp.topk(min(TOP_K, logp.shape[-1]), -1)  # (K, TOP_K)
        step_i = torch.cat([tops_i, ti.unsqueeze(1)], 1)  # (K, T_q + 1, TOP_K)
        step_p = torch.cat([tops_p, tl.exp().unsqueeze(1)], 1)
        step_attn = None
        if out.weights is not None:
            w = out.weights.unsqueeze(1)  # (K, 1, *A, T_k)
            step_attn = w if attn is None else torch.cat([attn, w], 1)
        V = logp.shape[-1]
        flat = (scores.unsqueeze(1) + logp).view(-1)  # (K * V,)
        best, index = flat.topk(min(beam, flat.numel()))
        parent, word = index // V, index % V  # (beam,)
        last = t == max_len - 1
        keep = []
        for k in range(len(index)):
            p, w_id = int(parent[k]), int(word[k])
            if eos is not None and w_id == eos:
                rows = None if step_attn is None else step_attn[p, :-1]
                hyp = (tokens[p, 1:], rows, step_i[p, :-1], step_p[p, :-1])
                n = tokens.shape[1] - 1
                finished.append((float(best[k]) / (n + 1), float(best[k]), *hyp))
            elif eos is None and last:
                rows = None if step_attn is None else step_attn[p]
                ids = torch.cat([tokens[p, 1:], word[k : k + 1]])
                finished.append((float(best[k]), float(best[k]), ids, rows, step_i[p], step_p[p]))
            else:
                keep.append(k)
        if len(finished) >= beam or not keep:
            break
        sel = torch.tensor(keep, device=device)
        p_sel = parent[sel]
        tokens = torch.cat([tokens[p_sel], word[sel].unsqueeze(1)], 1)  # (K', 1 + T_q)
        attn = None if step_attn is None else step_attn[p_sel]
        tops_i, tops_p = step_i[p_sel], step_p[p_sel]
        scores = best[sel]
        state = tuple(s[p_sel] for s in out.state)
    if finished:
        _, total, ids, rows, ti, tp = max(finished, key=lambda f: f[0])
    else:  # ran out of length: the best live hypothesis as it is
        total, ids, rows, ti, tp = (
            float(scores[0]),
            tokens[0, 1:],
            _first(attn),
            tops_i[0],
            tops_p[0],
        )
    n = len(ids)
    weights = None if rows is None else rows.unsqueeze(0)
    return Decoded(ids.unsqueeze(0), [n], weights, [total], ti.unsqueeze(0), tp.unsqueeze(0))


def _lengths(ids: torch.Tensor, eos: int | None) -> list[int]:
    """Tokens before the first <eos> in each row (all of them without an <eos>)."""
    if eos is None:
        return [ids.shape[1]] * ids.shape[0]
    rows = ids.tolist()
    return [row.index(eos) if eos in row else len(row) for row in rows]


def _expand(enc: Encoded, K: int) -> Encoded:
    """One input's encoding shared by K hypotheses (views, no copies)."""
    if enc.memory.shape[0] == K:
        return enc
    mask = None if enc.mask is None else enc.mask.expand(K, -1)
    return Encoded(enc.memory.expand(K, -1, -1), mask, enc.final)


def _first(attn: torch.Tensor | None) -> torch.Tensor | None:
    return None if attn is None else attn[0]
