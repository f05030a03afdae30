"""Weights on disk: safetensors for tensors beside a JSON of config, vocabulary and metrics.

Nothing is ever unpickled. The JSON records the sha256 of the safetensors file, so a
truncated or altered file is refused with a message naming it and the command that rebuilds it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors


class WeightsError(RuntimeError):
    """A weights file is missing, corrupt or does not fit its model."""


@dataclass(frozen=True)
class Checkpoint:
    config: dict[str, Any]
    state_dict: dict[str, torch.Tensor]
    meta: dict[str, Any]  # vocabulary, metrics, learning curves, ... (everything but the config)


def paths(stem: Path) -> tuple[Path, Path]:
    """(weights file, JSON file) of a checkpoint stem such as pretrained/date-attention."""
    return stem.with_suffix(".safetensors"), stem.with_suffix(".json")


def save_checkpoint(
    stem: Path, config: Any, state_dict: dict[str, torch.Tensor], meta: dict
) -> None:
    """Write both files atomically (a reader never sees half a file)."""
    weights_path, json_path = paths(stem)
    blob = save_safetensors({k: v.detach().cpu().contiguous() for k, v in state_dict.items()})
    record = {
        "config": dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config),
        "sha256": hashlib.sha256(blob).hexdigest(),
        **meta,
    }
    _atomic_write(weights_path, blob)
    _atomic_write(json_path, (json.dumps(record, indent=1, sort_keys=False) + "\n").encode())


def load_checkpoint(stem: Path, rebuild: str) -> Checkpoint:
    """Read and verify a checkpoint; `rebuild` is the command that recreates it (for messages)."""
    weights_path, json_path = paths(stem)
    for path in (json_path, weights_path):
        if not path.is_file():
            raise WeightsError(f"weights file {path} is missing; rebuild it with: {rebuild}")
    try:
        record = json.loads(json_path.read_text(encoding="utf-8"))
        config, sha = record.pop("config"), record.pop("sha256")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        raise WeightsError(f"{json_path} is corrupt ({e}); rebuild it with: {rebuild}") from e
    blob = weights_path.read_bytes()
    if hashlib.sha256(blob).hexdigest() != sha:
        raise WeightsError(
            f"{weights_path} is corrupt (its sha256 does not match {json_path.name}); "
            f"rebuild it with: {rebuild}"
        )
    try:
        state_dict = load_safetensors(blob)
    except (SafetensorError, ValueError) as e:
        raise WeightsError(f"{weights_path} is unreadable ({e}); rebuild it with: {rebuild}") from e
    return Checkpoint(config, state_dict, record)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file a normal mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
