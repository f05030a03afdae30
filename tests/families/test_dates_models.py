"""Date seq2seq models: shapes, attention invariants, decoding modes, a tiny model learns."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from attention_viz.analysis.weights import attention_entropy
from attention_viz.decoding import greedy
from attention_viz.families.dates import data, vocab
from attention_viz.families.dates.analysis import compare_decodings, convert_lines
from attention_viz.families.dates.decoders import DECODERS
from attention_viz.families.dates.model import DateSeq2Seq, DateSeq2SeqConfig
from attention_viz.families.dates.train import DatesTrainConfig, train_model

# Small models run faster on one thread than on two here (see conftest).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


TEXTS = ["9/1/84", "Tuesday, the 25th of September 1984", "25 sept 1984"]


def model(decoder: str, seed: int = 0) -> DateSeq2Seq:
    torch.manual_seed(seed)
    return DateSeq2Seq(DateSeq2SeqConfig(decoder=decoder), vocab.SOURCE_VOCAB).eval()


def batch(texts):
    ids, lens, _ = vocab.encode_sources(texts)
    return torch.from_numpy(ids), torch.from_numpy(lens)


def generate(m: DateSeq2Seq, source, lens):
    """Free running with the shared greedy search: (ids (B, 10), decoded)."""
    d = greedy(m.decoder, m.encode(source, lens), m.bos_id, m.eos_id, m.max_target_len)
    return d.ids, d


@pytest.mark.parametrize("decoder", DECODERS)
def test_shapes_and_weights_sum_to_one(decoder):
    m = model(decoder)
    source, lens = batch(TEXTS)
    target_in = torch.from_numpy(vocab.encode_targets(["1984-09-01"] * 3)[:, :-1])
    logits, weights = m(source, lens, target_in)
    assert logits.shape == (3, 10, len(vocab.TARGET_VOCAB))
    ids, d = generate(m, source, lens)
    w = d.weights
    assert ids.shape == (3, 10) and d.top_probs.shape == (3, 10, 3)
    if decoder in ("baseline", "peeky"):
        assert weights is None and w is None
        return
    for a in (weights, w):
        assert a.shape == (3, 10, source.shape[1])
        torch.testing.assert_close(a.sum(-1), torch.ones(3, 10))
        for b, n in enumerate(lens.tolist()):
            assert torch.all(a[b, :, n:] == 0)  # padding gets exactly zero weight


@pytest.mark.parametrize("decoder", DECODERS)
def test_free_running_equals_teacher_forcing_on_its_own_output(decoder):
    """Step-by-step decoding and the all-at-once pass are the same computation."""
    m = model(decoder)
    source, lens = batch(TEXTS)
    with torch.inference_mode():
        ids, d = generate(m, source, lens)
        w = d.weights
        start = torch.full((3, 1), vocab.TARGET_VOCAB.index(vocab.START))
        logits, weights = m(source, lens, torch.cat([start, ids[:, :-1]], dim=1))
    probs = torch.softmax(logits, -1)  # (B, 10, V)
    assert torch.equal(probs.argmax(-1), ids)
    torch.testing.assert_close(probs.topk(3, -1).values, d.top_probs, atol=1e-5, rtol=1e-4)
    if w is not None:
        torch.testing.assert_close(weights, w, atol=1e-5, rtol=1e-4)


def test_dot_attention_matches_torch_reference():
    """The book's dot score is softmax(h s^T): F.scaled_dot_product_attention with scale 1."""
    m = model("attention")
    source, lens = batch(TEXTS)
    target_in = torch.from_numpy(vocab.encode_targets(["1984-09-25"] * 3)[:, :-1])
    with torch.inference_mode():
        enc = m.encoder(source, lens)
        h, _ = m.decoder.lstm(m.decoder.embed(target_in), enc.final)  # (B, T_q, H)
        mask = enc.mask[:, None, :]  # (B, 1, T_k)
        ref = F.scaled_dot_product_attention(h, enc.memory, enc.memory, attn_mask=mask, scale=1.0)
        step = m.decoder.forward_all(target_in, enc)
        context = step.weights @ enc.memory  # (B, T_q, H)
    torch.testing.assert_close(context, ref, atol=1e-5, rtol=1e-4)


def test_padding_does_not_change_a_prediction():
    m = model("attention", seed=1)
    alone = [m.predict(t) for t in TEXTS]
    together = m.predict_batch(TEXTS)
    for a, b in zip(alone, together, strict=True):
        assert a.text == b.text
        np.testing.assert_allclose(a.attention, b.attention, atol=1e-5)


def test_prediction_fields():
    p = model("attention").predict("  25 sept 1984 ")
    assert p.source_tokens == list("25 sept 1984")
    assert len(p.target_tokens) == 10 and p.attention.shape == (10, 12)
    assert p.checks == {
        "valid_date": p.text.startswith(("19", "20")) and vocab.is_real_date(p.text)
    }
    assert len(p.top) == 10 and all(len(step) == 3 for step in p.top)
    assert 0 < p.confidence <= 1 and p.log_prob <= 0 and p.warnings == []
    assert p.maps["cross"].queries.labels == tuple(p.target_tokens)
    assert p.maps["cross"].keys.labels == tuple(p.source_tokens)
    assert attention_entropy(p.attention).shape == (10,)


@pytest.mark.parametrize(
    ("text", "match"),
    [("", "empty"), ("   ", "empty"), ("1" * 41, "41 characters.*at most 40"), (None, "text")],
)
def test_bad_input_is_refused_clearly(text, match):
    with pytest.raises(ValueError, match=match):
        model("attention").predict(text)


def test_batch_names_the_bad_line():
    with pytest.raises(ValueError, match="line 2: empty"):
        model("peeky").predict_batch(["1/2/03", ""])


def test_unknown_characters_are_flagged_and_markup_is_plain_text():
    m = model("attention")
    p = m.predict("Sep 25 🎉 1984")
    (warning,) = p.warnings
    assert warning.startswith("1 character(s) outside") and "🎉" in warning
    p = m.predict("<b>May 1</b> 2000")
    assert p.source_tokens[:3] == ["<", "b", ">"]  # characters, not markup
    rows = convert_lines(m, ["May 3, 1999", "", "x" * 50, "<script>"])
    assert [r.line for r in rows] == [1, 3, 4]
    assert "at most 40" in rows[1].note and rows[1].output == ""


def test_compare_decodings_marks_differences():
    m = model("attention")
    cmp = compare_decodings(m, "May 3, 1999", "1999-05-03")
    assert len(cmp.differs) == 10 and cmp.forced.attention.shape == (10, 11)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        compare_decodings(m, "May 3, 1999", "soon")


def test_a_tiny_model_learns_a_tiny_dataset():
    """32 dates, 250 Adam steps: a small attention model fits them (memorises the set)."""
    torch.manual_seed(0)
    m = DateSeq2Seq(DateSeq2SeqConfig(embed_size=16, hidden_size=32), vocab.SOURCE_VOCAB)
    examples = data.generate(32, "train", seed=4, formats=("month d, yyyy",))
    source, lens = batch([e.text for e in examples])
    targets = torch.from_numpy(vocab.encode_targets([e.target for e in examples]))
    optimizer = torch.optim.Adam(m.parameters(), lr=2e-2)
    for _ in range(250):
        logits, _ = m(source, lens, targets[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    m.eval()
    right = [
        p.text == e.target
        for p, e in zip(m.predict_batch([e.text for e in examples]), examples, strict=True)
    ]
    assert np.mean(right) >= 0.9, loss.item()


def test_training_loop_records_history_and_snapshots():
    config = DateSeq2SeqConfig(embed_size=16, hidden_size=32)
    train = DatesTrainConfig(epochs=2, examples_per_epoch=512, batch_size=128, val_examples=100)
    _, history = train_model(config, train, log=lambda s: None)
    assert [r["epoch"] for r in history] == [1, 2]
    assert len(history[-1]["attention"]) == train.snapshot_inputs
    assert all(len(o) == 10 for o in history[-1]["outputs"])
    assert history[-1]["loss"] < history[0]["loss"]


def test_uploads_are_read_as_text_or_refused():
    from attention_viz.families.dates.analysis import (
        MAX_UPLOAD_BYTES,
        lines_from_upload,
        rows_to_csv,
    )

    assert lines_from_upload(b"May 3, 1999\n2/10/93\n", "a.txt") == ["May 3, 1999", "2/10/93"]
    assert lines_from_upload(b'"May 3, 1999",x\n2/10/93,y\n', "a.csv") == ["May 3, 1999", "2/10/93"]
    with pytest.raises(ValueError, match="binary"):
        lines_from_upload(b"\x89PNG\r\n\x1a\n\x00\x00", "photo.txt")
    with pytest.raises(ValueError, match="UTF-8"):
        lines_from_upload(b"caf\xe9", "latin1.txt")
    with pytest.raises(ValueError, match="limited to"):
        lines_from_upload(b"1/1/00\n" * (MAX_UPLOAD_BYTES // 7 + 1), "big.txt")
    rows = convert_lines(model("baseline"), ["=1+1"])
    assert "'=1+1" in rows_to_csv(rows)  # a spreadsheet will not run it


def test_too_many_batch_lines_name_the_limit():
    with pytest.raises(ValueError, match="at most 1,000"):
        convert_lines(model("baseline"), ["1/1/00"] * 1001)
