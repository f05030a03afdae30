"""Greedy and beam-search decoding over any decoder with init_state()/step().

Both return the attention weights of every output token. Call them under
torch.inference_mode(); nothing here changes the model.

Shape symbols: B batch size, K beam width, T_k source length, T_q output length so far,
D encoder state size, V target vocabulary size.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

State = tuple[torch.Tensor, ...]


@dataclass
class Decoded:
    """One sentence's output: ids without <bos>/<eos>, attention rows and per-step top words."""

    ids: list[int]
    attention: torch.Tensor  # (T_q, T_k): one row per output id
    log_prob: float
    top: list[list[tuple[int, float]]]  # per step: (id, probability) of the 3 likeliest words


def greedy(decoder, state: State, memory, mask, bos: int, eos: int, max_len: int) -> list[Decoded]:
    """Pick the likeliest word at each step, for a batch.

    Args:
        state: the decoder's initial state; memory (B, T_k, D); mask (B, T_k), True = word.
    Returns:
        one Decoded per sentence, cut at its <eos> (max_len words at most).
    """
    B = memory.shape[0]
    y = torch.full((B,), bos, dtype=torch.long, device=memory.device)
    ids, rows, logps, tops = [], [], [], []
    finished = torch.zeros(B, dtype=torch.bool, device=memory.device)
    for _ in range(max_len):
        logits, state, weights = decoder.step(y, state, memory, mask)  # (B, V), (B, T_k)
        logp = torch.log_softmax(logits, -1)  # (B, V)
        best, y = logp.max(-1)  # (B,), (B,)
        top_logp, top_i = logp.topk(3, -1)  # (B, 3)
        top_p = top_logp.exp()
        ids.append(y)
        rows.append(weights)
        logps.append(best)
        tops.append((top_i, top_p))
        finished |= y == eos
        if bool(finished.all()):
            break
    ids_t = torch.stack(ids, 1).tolist()  # (B, T_q)
    rows_t = torch.stack(rows, 1)  # (B, T_q, T_k)
    logp_t = torch.stack(logps, 1)  # (B, T_q)
    out = []
    for b in range(B):
        n = ids_t[b].index(eos) if eos in ids_t[b] else len(ids_t[b])  # words before <eos>
        top = [list(zip(ti[b].tolist(), tp[b].tolist(), strict=True)) for ti, tp in tops[:n]]
        used = min(n + 1, len(ids_t[b]))  # the <eos> step counts in the probability
        out.append(Decoded(ids_t[b][:n], rows_t[b, :n], float(logp_t[b, :used].sum()), top))
    return out


def beam_search(
    decoder, state: State, memory, mask, bos: int, eos: int, max_len: int, beam: int
) -> Decoded:
    """Keep the `beam` likeliest partial translations of one sentence (batch of 1).

    Finished hypotheses are ranked by log probability / length, so short ones are not favoured.
    Returns the best, with the attention rows of its own path.
    """
    device = memory.device
    scores = torch.zeros(1, device=device)  # (K,) log probabilities of the live hypotheses
    tokens = torch.full((1, 1), bos, dtype=torch.long, device=device)  # (K, 1 + T_q)
    attn = memory.new_zeros(1, 0, memory.shape[1])  # (K, T_q, T_k)
    tops: list[list[list[tuple[int, float]]]] = [[]]
    finished: list[tuple[float, Decoded]] = []
    for _ in range(max_len):
        K = tokens.shape[0]
        logits, state, weights = decoder.step(
            tokens[:, -1], state, memory.expand(K, -1, -1), mask.expand(K, -1)
        )
        logp = torch.log_softmax(logits, -1)  # (K, V)
        top_logp, top_i = logp.topk(3, -1)  # (K, 3)
        top_p = top_logp.exp()
        V = logp.shape[-1]
        flat = (scores.unsqueeze(1) + logp).view(-1)  # (K * V,)
        best, index = flat.topk(min(beam, flat.numel()))
        parent, word = index // V, index % V  # (beam,)
        keep = []
        for k in range(len(index)):
            p, w = int(parent[k]), int(word[k])
            step_top = [*tops[p], list(zip(top_i[p].tolist(), top_p[p].tolist(), strict=True))]
            rows = torch.cat([attn[p], weights[p : p + 1]], 0)  # (T_q + 1, T_k)
            if w == eos:
                ids = tokens[p, 1:].tolist()
                hyp = Decoded(ids, rows[:-1], float(best[k]), step_top[:-1])
                finished.append((float(best[k]) / (len(ids) + 1), hyp))
            else:
                keep.append(k)
        if len(finished) >= beam or not keep:
            break
        sel = torch.tensor(keep, device=device)
        p_sel = parent[sel]
        tokens = torch.cat([tokens[p_sel], word[sel].unsqueeze(1)], 1)  # (K', 1 + T_q)
        attn = torch.cat([attn[p_sel], weights[p_sel].unsqueeze(1)], 1)  # (K', T_q, T_k)
        tops = [
            [*tops[int(p)], list(zip(top_i[int(p)].tolist(), top_p[int(p)].tolist(), strict=True))]
            for p in p_sel
        ]
        scores = best[sel]
        state = tuple(s[p_sel] for s in state)
    if not finished:  # ran out of length: take the best live hypothesis as it is
        ids = tokens[0, 1:].tolist()
        return Decoded(ids, attn[0], float(scores[0]), tops[0])
    return max(finished, key=lambda f: f[0])[1]
