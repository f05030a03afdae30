"""Weights files: round trip, and corrupt or missing files named with the rebuild command."""

import json
from dataclasses import dataclass

import pytest
import torch

from attention_viz.checkpoint import WeightsError, load_checkpoint, paths, save_checkpoint

REBUILD = "python -m attention_viz train tiny"


@dataclass
class TinyConfig:
    width: int = 3


@pytest.fixture
def stem(tmp_path):
    s = tmp_path / "tiny"
    state = {"w": torch.arange(6.0).reshape(2, 3), "b": torch.zeros(3)}
    save_checkpoint(s, TinyConfig(), state, {"vocab": ["a", "b"], "metrics": {"acc": 1.0}})
    return s


def test_round_trip_keeps_config_tensors_and_meta(stem):
    ck = load_checkpoint(stem, REBUILD)
    assert ck.config == {"width": 3}
    assert torch.equal(ck.state_dict["w"], torch.arange(6.0).reshape(2, 3))
    assert ck.meta == {"vocab": ["a", "b"], "metrics": {"acc": 1.0}}
    assert not list(stem.parent.glob(".tiny*")), "no temporary files left behind"


def test_flipped_byte_is_refused_naming_file_and_command(stem):
    weights, _ = paths(stem)
    blob = bytearray(weights.read_bytes())
    blob[-1] ^= 0xFF
    weights.write_bytes(bytes(blob))
    with pytest.raises(WeightsError) as e:
        load_checkpoint(stem, REBUILD)
    assert str(weights) in str(e.value) and REBUILD in str(e.value) and "corrupt" in str(e.value)


def test_truncated_json_is_refused(stem):
    _, meta = paths(stem)
    meta.write_text(meta.read_text()[:20])
    with pytest.raises(WeightsError, match="corrupt.*" + REBUILD):
        load_checkpoint(stem, REBUILD)


def test_json_without_checksum_is_refused(stem):
    _, meta = paths(stem)
    record = json.loads(meta.read_text())
    del record["sha256"]
    meta.write_text(json.dumps(record))
    with pytest.raises(WeightsError, match="corrupt"):
        load_checkpoint(stem, REBUILD)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(WeightsError, match=r"tiny\.json is missing; rebuild it with: " + REBUILD):
        load_checkpoint(tmp_path / "tiny", REBUILD)


def test_garbage_weights_with_matching_checksum_are_refused(stem):
    import hashlib

    weights, meta = paths(stem)
    garbage = b"not a safetensors file"
    weights.write_bytes(garbage)
    record = json.loads(meta.read_text())
    record["sha256"] = hashlib.sha256(garbage).hexdigest()
    meta.write_text(json.dumps(record))
    with pytest.raises(WeightsError, match="unreadable"):
        load_checkpoint(stem, REBUILD)
