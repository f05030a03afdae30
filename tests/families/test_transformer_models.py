"""The transformer models under the seq2seq contract: shapes, invariants, ablation, learning."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from attention_viz.families.transformer import analysis, tasks
from attention_viz.families.transformer.language_model import InductionLM
from attention_viz.families.transformer.model import TransformerConfig, TransformerSeq2Seq

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _seq2seq(task: str = "reverse", seed: int = 0) -> TransformerSeq2Seq:
    torch.manual_seed(seed)
    config = TransformerConfig(
        task, d_model=32, num_heads=4, encoder_layers=2, decoder_layers=2, d_ff=64
    )
    return TransformerSeq2Seq(config).eval()


def test_prediction_maps_have_layer_head_axes_and_rows_sum_to_one():
    model = _seq2seq()
    p = model.predict("abc123")
    n = len(p.target_tokens)
    assert p.source_tokens == list("abc123")
    assert p.maps["cross"].shape == (2, 4, n, 6) and p.maps["cross"].leading == ("layer", "head")
    assert p.maps["encoder-self"].shape == (2, 4, 6, 6)
    assert p.maps["decoder-self"].shape == (2, 4, n, n)
    for m in p.maps.values():
        np.testing.assert_allclose(m.weights.sum(-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(p.attention, p.maps["cross"].weights[-1].mean(0), atol=1e-6)
    assert np.all(np.triu(p.maps["decoder-self"].weights, 1) == 0)


def test_free_running_equals_teacher_forcing_on_its_own_output():
    model = _seq2seq(seed=1)
    for text in ("hello", "z9", "abcdefghijkl"):
        free = model.predict(text)
        forced = model.teacher_forced(text, free.target_tokens) if free.text else None
        if forced is None:
            continue
        assert forced.predicted == free.target_tokens
        np.testing.assert_allclose(
            forced.maps["cross"].weights, free.maps["cross"].weights, atol=1e-5
        )


def test_batch_padding_does_not_change_an_input_s_result():
    model = _seq2seq(seed=2)
    alone = model.predict("q1")
    batch = model.predict_batch(["q1", "longer12345"], detail=True)[0]
    assert batch.text == alone.text
    np.testing.assert_allclose(batch.attention, alone.attention, atol=1e-5)


def test_ablation_is_an_argument_and_leaves_the_shared_model_alone():
    model = _seq2seq(seed=3)
    before = model.predict("hello2024")
    every = {("cross", layer, head) for layer in range(2) for head in range(4)}
    ablated = model.predict("hello2024", ablate=every)
    # Without any cross-attention the decoder cannot see the input: output and weights change.
    assert ablated.text != before.text or not np.allclose(ablated.attention, before.attention)
    assert model.ablate == frozenset()
    again = model.predict("hello2024")
    assert again.text == before.text
    np.testing.assert_allclose(again.attention, before.attention)


def test_bad_inputs_are_refused_with_the_limit_named():
    model = _seq2seq()
    with pytest.raises(ValueError, match="empty"):
        model.predict("   ")
    with pytest.raises(ValueError, match="at most 24"):
        model.predict("a" * 25)
    with pytest.raises(ValueError, match="outside the alphabet"):
        model.predict("ABC")
    lm = InductionLM(
        TransformerConfig(
            "induction", encoder_layers=0, decoder_layers=2, d_ff=0, positions="learned"
        )
    )
    with pytest.raises(ValueError, match="a-z"):
        lm.predict("abc1")


def test_induction_lm_prediction_is_causal_next_token():
    torch.manual_seed(0)
    lm = InductionLM(
        TransformerConfig(
            "induction", d_model=32, encoder_layers=0, decoder_layers=2, d_ff=0, positions="learned"
        )
    ).eval()
    p = lm.predict("abcdabcd")
    assert len(p.target_tokens) == 8 and p.maps["decoder-self"].shape == (2, 4, 8, 8)
    assert np.all(np.triu(p.maps["decoder-self"].weights, 1) == 0)
    # The first token's prediction cannot depend on what follows it.
    assert lm.predict("abcdabcd").top[0] == lm.predict("azzzzzzz").top[0]


def test_head_scores_on_hand_built_maps():
    T = 6
    prev = np.zeros((T, T))
    prev[0, 0] = 1
    for q in range(1, T):
        prev[q, q - 1] = 1
    assert analysis.previous_token_score(prev) == 1.0
    assert analysis.offset_mode(prev) == (-1, 5 / 6)
    tokens = list("abcabc")
    induct = np.eye(T)
    for q in range(3, 6):
        induct[q] = 0
        induct[q, q - 2] = 1  # the token after the earlier copy of tokens[q]
    assert analysis.induction_score(induct, tokens) == 1.0
    flow = analysis.rollout(np.stack([np.stack([prev])] * 2))
    np.testing.assert_allclose(flow.sum(-1), 1.0)


def test_a_tiny_transformer_learns_to_reverse_short_strings():
    torch.manual_seed(0)
    model = TransformerSeq2Seq(
        TransformerConfig(
            "reverse", d_model=32, num_heads=2, encoder_layers=1, decoder_layers=1, d_ff=64
        )
    )
    task = tasks.TASKS["reverse"]
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for step in range(250):
        texts = task.generate(64, 10 + step, 1, 3)
        ids, lens = task.encode(texts)
        targets = torch.from_numpy(task.encode_targets([t[::-1] for t in texts]))
        logits, _ = model(torch.from_numpy(ids), torch.from_numpy(lens), targets[:, :-1])
        loss = F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), targets[:, 1:].reshape(-1), ignore_index=0
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    texts = task.generate(200, 99, 1, 3)
    right = np.mean(
        [p.text == t[::-1] for p, t in zip(model.predict_batch(texts), texts, strict=True)]
    )
    assert right >= 0.85, right  # untrained: almost none
