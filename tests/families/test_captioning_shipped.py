"""The shipped captioners: they load, meet the issue's targets on fresh scenes, and the CLI."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from attention_viz import cli, load_model
from attention_viz.families.captioning import captions, inputs, scenes
from attention_viz.families.captioning.evaluate import report
from attention_viz.registry import list_models, weights_stem

FRESH_SEED = scenes.TEST_SEED + 1  # neither training nor the JSON metrics used this seed
N_FRESH = 400
MAX_WEIGHTS_BYTES = 2_000_000

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def fresh():
    return scenes.generate(N_FRESH, "test", FRESH_SEED)


@pytest.fixture(scope="module")
def reports(fresh):
    return {name: report(load_model(name), fresh) for name in list_models("captioning")}


def test_the_family_is_registered_with_small_weights():
    assert list_models("captioning") == ["caption-attention", "caption-baseline"]
    for name in list_models("captioning"):
        assert weights_stem(name).with_suffix(".safetensors").stat().st_size < MAX_WEIGHTS_BYTES


POINTING_TARGET = 0.90  # the issue's: the argmax region lies on the word's shape (dilated)
# Per word kind the shipped model points 90-99% (size words lowest, 90.3% on these scenes);
# this floor catches a kind falling back to reading from memory (colour was 45% so).
KIND_FLOOR = 0.85


def test_attention_model_meets_the_targets_on_fresh_scenes(reports):
    r = reports["caption-attention"]
    assert r["exact_match"] >= 0.95, r
    assert r["pointing"] >= POINTING_TARGET, r
    for kind in ("size", "colour", "shape"):
        assert r["pointing_by_kind"][kind] >= KIND_FLOOR, (kind, r)
    assert r["bleu"] >= 95.0
    for count in ("1", "2", "3"):
        assert r["by_shapes"][count]["n"] > 0


def test_baseline_is_reported_beside_it_and_cannot_point(reports):
    base, attn = reports["caption-baseline"], reports["caption-attention"]
    assert base["pointing"] is None
    assert base["exact_match"] < attn["exact_match"]
    assert set(base["by_shapes"]) == set(attn["by_shapes"])


def test_json_records_training_history_and_metrics():
    for name in list_models("captioning"):
        record = json.loads(weights_stem(name).with_suffix(".json").read_text())
        assert record["name"] == name and record["vocab"]["target"] == list(captions.VOCAB)
        training = record["training"]
        assert training["threads"] == 1 and training["quick"] is False
        assert training["seconds"] > 0 and training["cpu_seconds"] > 0
        steps = [h["step"] for h in record["history"]]
        assert steps == sorted(steps) and all("val_accuracy" in h for h in record["history"])
        assert record["metrics"]["n"] == 1000 and "by_shapes" in record["metrics"]


def test_teacher_forcing_on_the_models_own_caption_gives_its_attention():
    model = load_model("caption-attention")
    image = inputs.read_input("scene:5")
    free = model.predict(image)
    forced = model.teacher_forced(image, free.target_tokens)
    assert forced.target_tokens == free.target_tokens
    assert np.allclose(forced.attention, free.attention, atol=1e-5)


def test_cli_predict_prints_caption_and_top_region_per_word(capsys, tmp_path):
    assert cli.main(["predict", "caption-attention", "--scene", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    scene = scenes.random_scene(3)
    assert out[0] == " ".join(captions.caption(scene))
    rows = [line.split() for line in out[3:]]
    assert [r[0] for r in rows] == out[0].split()
    assert all(r[1].startswith("(") and 0 < float(r[-1]) <= 1 for r in rows)
    buffer = io.BytesIO()
    Image.fromarray(scenes.render(scene)[0]).save(buffer, "PNG")
    path = tmp_path / "scene.png"
    path.write_bytes(buffer.getvalue())
    assert cli.main(["predict", "caption-attention", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == out[0]


def test_cli_refuses_a_non_image_file_in_one_line(capsys, tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not an image")
    assert cli.main(["predict", "caption-attention", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not a PNG or JPEG" in err and "Traceback" not in err


def test_cli_bench_images_is_the_captioning_bench(capsys):
    assert cli.main(["bench", "images", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "caption-attention" in out and "caption-baseline" in out and "ms" in out
