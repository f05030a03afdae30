"""The shipped translation weights: they load, meet their targets on fresh data, and the
command line reports them. Fresh sentences use a seed no training run uses."""

from __future__ import annotations

import json

import pytest

from attention_viz.cli import main
from attention_viz.families.translation.corpus import sample_pairs
from attention_viz.families.translation.evaluate import EVAL_SEED, evaluate_pairs
from attention_viz.registry import list_models, load_model, weights_stem

FRESH_SEED = 4242  # training uses seeds 0 (train) and 1 (validation); evaluate uses EVAL_SEED
NAMES = ("translation-attention", "translation-dot", "translation-location")


# Small models run faster on one thread than on two here (see conftest).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def heldout():
    assert FRESH_SEED not in (0, 1, EVAL_SEED)
    return sample_pairs(300, FRESH_SEED, "heldout")


def test_registered():
    assert set(NAMES) <= set(list_models("translation"))


@pytest.mark.parametrize("name", NAMES)
def test_weights_are_small_and_documented(name):
    stem = weights_stem(name)
    assert stem.with_suffix(".safetensors").stat().st_size <= 1_100_000
    meta = json.loads(stem.with_suffix(".json").read_text())
    assert {"config", "sha256", "vocab", "history", "metrics", "training"} <= set(meta)
    assert {"heldout", "long"} <= set(meta["metrics"])
    for split in ("heldout", "long"):  # sacrebleu's signature beside each BLEU
        assert "tok:none" in meta["metrics"][split]["bleu_signature"]


def test_attention_model_meets_targets_on_fresh_heldout_combinations(heldout):
    result = evaluate_pairs(load_model("translation-attention"), heldout)
    assert result["exact_match"] >= 0.98
    assert result["aer"] <= 0.15


def test_dot_model_translates_heldout_combinations(heldout):
    result = evaluate_pairs(load_model("translation-dot"), heldout)
    assert result["exact_match"] >= 0.95


def test_location_model_loads_and_translates(heldout):
    # Reported honestly, no target: its attention cannot look at the encoder states.
    result = evaluate_pairs(load_model("translation-location"), heldout[:50])
    assert 0.0 <= result["aer"] <= 1.0


def test_cli_predict(capsys):
    code = main(["predict", "translation-attention", "the black cat does not eat the apples"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == "le chat noir ne mange pas les pommes"


def test_cli_predict_beam(capsys):
    assert main(["predict", "translation-attention", "I like the old tree", "--beam", "5"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "j'aime le vieil arbre"


def test_cli_unknown_word_is_one_clear_line(capsys):
    assert main(["predict", "translation-attention", "the blak cat sleeps"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown word: 'blak' (did you mean 'black'")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_too_long_names_the_limit(capsys):
    assert main(["predict", "translation-dot", "the cat " * 20 + "sleeps"]) == 2
    assert "at most 24" in capsys.readouterr().err


def test_cli_evaluate_file(tmp_path, capsys):
    f = tmp_path / "pairs.tsv"
    f.write_text("the cat sleeps\tle chat dort\nI like the old tree\tj'aime le vieil arbre\n")
    assert main(["evaluate", "translation-attention", "--file", str(f)]) == 0
    out = capsys.readouterr().out
    assert "file (2 sentences): exact match 100.0%" in out and "AER" in out
    assert "BLEU: sacrebleu nrefs:1|case:mixed|eff:no|tok:none" in out


def test_cli_train_quick_writes_a_loadable_checkpoint(tmp_path, capsys):
    from attention_viz.checkpoint import load_checkpoint
    from attention_viz.families.translation.model import build

    assert main(["train", "translation-dot", "--quick", "--out", str(tmp_path)]) == 0
    checkpoint = load_checkpoint(tmp_path / "translation-dot", "rebuild")
    assert checkpoint.meta["training"]["quick"] is True
    assert [r["epoch"] for r in checkpoint.meta["history"]] == [1, 2]
    model = build(checkpoint).eval()
    assert model.predict("the cat sleeps").attention.shape[1] == 3
