"""One input on the CPU decodes in numpy over folded weights (one_input.py, folded.py): the same
ids, logits and weights as the torch loop and the modules, under ablation, padding, float64,
attention-only blocks, other positions, changed weights; post-LN stacks stay in torch."""

from __future__ import annotations

import pytest
import torch

from attention_viz.decoding import greedy
from attention_viz.families.transformer import incremental, one_input
from attention_viz.families.transformer.model import TransformerConfig, TransformerSeq2Seq

pytestmark = pytest.mark.usefixtures("one_torch_thread")
TEXTS = ["hello2024", "z", "abcdefghijkl", "q7b3zk1a", "0a0a0a0a0a0a0a0a0a0a"]
ABLATE = frozenset(
    {("decoder-self", 0, 1), ("decoder-self", 1, 3), ("cross", 0, 2), ("cross", 1, 0)}
    | {("cross", 1, 3), ("encoder-self", 0, 0)}
)
EVERY_HEAD = frozenset(
    (s, layer, h) for s in ("decoder-self", "cross") for layer in range(2) for h in range(4)
)


def _model(seed: int, **changes) -> TransformerSeq2Seq:
    torch.manual_seed(seed)
    config = {"d_model": 32, "num_heads": 4, "encoder_layers": 2, "decoder_layers": 2}
    config |= {"d_ff": 64, "pre_ln": True, **changes}
    model = TransformerSeq2Seq(TransformerConfig("reverse", **config)).eval()
    with torch.no_grad():  # LayerNorms away from (1, 0), so a wrong fold shows
        for name, p in model.decoder_stack.named_parameters():
            if "norm" in name:
                p.add_(torch.randn_like(p) * 0.3)
    return model


def _both(model: TransformerSeq2Seq, text: str, ablate=frozenset(), eos="model", pad: int = 0):
    """(numpy loop, torch loop) for one input, every weight kept; `pad` extra masked keys."""
    source = model.prepare([text])
    with torch.inference_mode():
        memory, _ = model.encoder(source.ids, None, ablate)
        mask = None
        if pad:  # a padded row, as a batch would hand it over
            memory = torch.cat([memory, torch.randn(1, pad, memory.shape[2]) * 3], 1)
            mask = torch.arange(memory.shape[1])[None, :] < source.ids.shape[1]
        args = (model.decoder_stack, memory, mask, model.bos_id)
        args += (model.eos_id if eos == "model" else eos, 25, ablate)
        fast = incremental.greedy_ids(*args, keep=True, keep_self=True)
        slow = incremental.greedy_ids(*args, keep=True, keep_self=True, torch_only=True)
    return fast, slow


def _assert_same(fast, slow) -> None:
    assert torch.equal(fast.ids, slow.ids)
    torch.testing.assert_close(fast.logits, slow.logits, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(fast.cross_weights, slow.cross_weights, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(fast.self_weights, slow.self_weights, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("ablate", [frozenset(), ABLATE, EVERY_HEAD])
@pytest.mark.parametrize(
    "config",
    [{}, {"d_ff": 0}, {"positions": "learned", "max_len": 32}, {"positions": "none"}],
)
def test_numpy_loop_equals_the_torch_loop(config, ablate):
    model = _model(0, **config)
    assert one_input.supports(model.decoder_stack, torch.zeros(1, 3, 32))
    for text in TEXTS:
        _assert_same(*_both(model, text, ablate))


def test_numpy_loop_equals_the_modules_teacher_forced():
    """Its logits and weights are those of one pass of the modules over its own output."""
    model = _model(1)
    for text in TEXTS:
        source = model.prepare([text])
        with torch.inference_mode():
            memory, _ = model.encoder(source.ids)
            kept = model._greedy(memory, None, keep=True, keep_self=True)
            fed = torch.cat([torch.tensor([[model.bos_id]]), kept.ids[:, :-1]], 1)
            ref = model.decoder_stack(fed, memory)
        torch.testing.assert_close(kept.logits, ref.logits, atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(kept.cross_weights, ref.cross_weights.permute(0, 3, 1, 2, 4))
        torch.testing.assert_close(kept.self_weights, ref.self_weights, atol=1e-5, rtol=1e-4)


def test_padded_memory_without_eos_and_in_float64():
    model = _model(2)
    for text in TEXTS[:3]:
        fast, slow = _both(model, text, ABLATE, pad=4)
        _assert_same(fast, slow)
        assert fast.cross_weights[..., -4:].abs().max() == 0  # the padded keys get nothing
        fast, slow = _both(model, text, eos=None)
        _assert_same(fast, slow)
        assert fast.ids.shape == (1, 25)  # no <eos> to stop at: every step
    model = model.double()
    fast, slow = _both(model, TEXTS[0], ABLATE)
    assert fast.logits.dtype == fast.cross_weights.dtype == torch.float64
    torch.testing.assert_close(fast.logits, slow.logits, atol=1e-10, rtol=1e-10)


def test_post_ln_stacks_stay_in_torch():
    model = _model(3, pre_ln=False)
    assert not one_input.supports(model.decoder_stack, torch.zeros(1, 3, 32))
    source = model.prepare([TEXTS[0]])
    with torch.inference_mode():
        enc = model.encode(source.ids, source.valid_lens)
        fast = model._greedy(enc.memory, enc.mask, keep=True)
        slow = greedy(model.decoder, enc, model.bos_id, model.eos_id, model.max_target_len)
    assert torch.equal(fast.ids, slow.ids)


def test_folded_weights_follow_changed_and_loaded_weights():
    model, other = _model(4), _model(5)

    def modules_greedy(m: TransformerSeq2Seq) -> list[list[int]]:
        out = []
        for text in TEXTS:
            source = m.prepare([text])
            with torch.inference_mode():
                enc = m.encode(source.ids, source.valid_lens)
                out.append(greedy(m.decoder, enc, m.bos_id, m.eos_id, 25).ids[0].tolist())
        return out

    def fast_greedy(m: TransformerSeq2Seq) -> list[list[int]]:
        out = []
        for text in TEXTS:
            source = m.prepare([text])
            with torch.inference_mode():
                memory, mask, _ = m._memory(source, need_weights=False)
                assert mask is None  # one input: the numpy loop
                fed = (m.decoder_stack, memory, mask, m.bos_id, m.eos_id, 25)
                out.append(incremental.greedy_ids(*fed).ids[0].tolist())
        return out

    assert fast_greedy(model) == modules_greedy(model)
    with torch.no_grad():  # an optimizer step changes the weights in place
        for p in model.decoder_stack.parameters():
            p.mul_(1.3)
    assert fast_greedy(model) == modules_greedy(model)
    model.load_state_dict(other.state_dict())
    assert fast_greedy(model) == modules_greedy(other)


def test_both_arrangements_are_kept_side_by_side():
    """One input (folded.py) and a batch (packed.py) alternate without rebuilding either."""
    model = _model(6)
    model.predict(TEXTS[0])
    model.predict_batch(TEXTS[:2])
    entries = dict(vars(model.decoder_stack)["_packed"])
    assert {key[0] for key in entries} == {"decoder", "folded"}
    model.predict(TEXTS[1])
    model.predict_batch(TEXTS[2:4])
    assert all(vars(model.decoder_stack)["_packed"][k] is entries[k] for k in entries)
