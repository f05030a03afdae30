"""A Neural Turing Machine: an LSTM controller with one read head and one write head.

At every step the controller reads the input and the last read vector; its state gives both
heads' parameters (key, β, g, s, γ; the write head also erase and add vectors). Both heads
address the memory as it was after the last step (so both are addressed in one batched call):
the read head reads it, then the write head erases and adds. The output is a linear map of
the controller state and the read vector.

    m = build(checkpoint)                    # or NTM(NTMConfig())
    logits, steps = m(inputs, record=True)   # (T, B, W), one StepRecord per step
    m.predict("0110 1011")                   # attention_viz Prediction (see predict.py)

Shape symbols used in the comments:
    B    batch size
    T    episode length (input steps)
    W    bits per vector (input has W + 1 channels: the bits and the delimiter)
    N    number of memory slots
    M    width of one memory slot
    S    number of allowed shifts
    H    heads: 2, read (index 0) and write (index 1)
    C    controller (LSTM) size
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import torch
from torch import nn

from attention_viz.checkpoint import Checkpoint
from attention_viz.families.memory.addressing import Addressing, address, head_parameters

MEMORY_INIT = 1e-6  # a small constant memory trains more reliably than a random one
READ, WRITE = 0, 1  # head index


@dataclass(frozen=True)
class NTMConfig:
    width: int = 8  # W: bits per vector of the copy task
    slots: int = 32  # N: memory slots (sequences longer than this overwrite themselves)
    slot_size: int = 16  # M: numbers per slot
    controller_size: int = 100  # C: LSTM units
    shifts: int = 3  # S: allowed shifts -1, 0, +1
    max_length: int = 10  # longest sequence it was trained on


@dataclass(frozen=True)
class StepRecord:
    """What happened at one step (batch first); head axis H: READ, WRITE."""

    addressing: Addressing  # every stage, (B, H, N)
    params: dict[str, torch.Tensor]  # key (B, H, M), beta/gate/gamma (B, H, 1), shift (B, H, S)
    erase: torch.Tensor  # (B, M)
    add: torch.Tensor  # (B, M)
    memory: torch.Tensor  # (B, N, M) after this step's write
    read_vector: torch.Tensor  # (B, M)


class NTM(nn.Module):
    def __init__(self, config: NTMConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.head_size = c.slot_size + 3 + c.shifts  # key, β, g, s, γ
        self.controller = nn.LSTMCell(c.width + 1 + c.slot_size, c.controller_size)
        # one linear map gives both heads' parameters, then erase and add
        self.heads = nn.Linear(c.controller_size, 2 * self.head_size + 2 * c.slot_size)
        self.output = nn.Linear(c.controller_size + c.slot_size, c.width)
        self.initial_read = nn.Parameter(torch.zeros(c.slot_size))
        with torch.no_grad():  # forget gate bias 1 in total: remember by default
            for bias in (self.controller.bias_ih, self.controller.bias_hh):
                bias[c.controller_size : 2 * c.controller_size].fill_(0.5)

    def initial_state(self, batch: int) -> tuple[Any, ...]:
        c, device = self.config, self.initial_read.device
        memory = torch.full((batch, c.slots, c.slot_size), MEMORY_INIT, device=device)
        weights = torch.zeros(batch, 2, c.slots, device=device)  # both heads start on slot 0
        weights[:, :, 0] = 1.0
        h = torch.zeros(batch, c.controller_size, device=device)
        read = self.initial_read.expand(batch, -1)
        return memory, weights, read, (h, h)

    def forward(
        self, inputs: torch.Tensor, record: bool = False
    ) -> tuple[torch.Tensor, list[StepRecord]]:
        """Run an episode: (T, B, W + 1) inputs -> ((T, B, W) output logits, records if asked)."""
        c = self.config
        memory, weights, read, hc = self.initial_state(inputs.shape[1])
        logits, records = [], []
        for x in inputs:  # x: (B, W + 1)
            hc = self.controller(torch.cat([x, read], dim=-1), hc)
            h = hc[0]  # (B, C)
            raw, erase, add = torch.split(
                self.heads(h), [2 * self.head_size, c.slot_size, c.slot_size], dim=-1
            )
            params = head_parameters(raw.view(-1, 2, self.head_size), c.slot_size, c.shifts)
            addressing = address(memory, weights, **params)  # both heads on M_{t-1}
            weights = addressing.weights  # (B, H, N)
            # 1. read
            read = (weights[:, READ : READ + 1] @ memory).squeeze(1)  # (B, 1, N) @ (B, N, M)
            # 2. write: erase, then add
            erase, add = torch.sigmoid(erase), torch.tanh(add)
            w = weights[:, WRITE].unsqueeze(-1)  # (B, N, 1)
            memory = memory * (1 - w * erase.unsqueeze(1)) + w * add.unsqueeze(1)  # (B, N, M)
            logits.append(self.output(torch.cat([h, read], dim=-1)))  # (B, W)
            if record:
                records.append(StepRecord(addressing, params, erase, add, memory, read))
        return torch.stack(logits), records  # (T, B, W)

    # --- inference: see predict.py for what these return ---

    def trace(self, bits: Any):
        from attention_viz.families.memory.predict import trace

        return trace(self, bits)

    def predict(self, bits: Any):
        from attention_viz.families.memory.predict import predict

        return predict(self, bits)

    def predict_batch(self, inputs: list[Any]) -> list:
        return [self.predict(x) for x in inputs]

    @torch.inference_mode()
    def copy(self, bits: torch.Tensor) -> torch.Tensor:
        """A batch of (B, L, W) sequences -> the (B, L, W) bits the model writes back."""
        from attention_viz.families.memory.data import episode

        length = bits.shape[1]
        logits, _ = self(episode(bits).to(self.initial_read.device))
        return (logits[length + 1 :] > 0).transpose(0, 1).cpu()  # (L, B, W) -> (B, L, W)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def build(checkpoint: Checkpoint) -> NTM:
    """Rebuild a trained NTM from its checkpoint (config + state_dict)."""
    known = {f.name for f in fields(NTMConfig)}
    model = NTM(NTMConfig(**{k: v for k, v in checkpoint.config.items() if k in known}))
    model.load_state_dict(checkpoint.state_dict)
    return model


def bit_errors(model: NTM, bits: np.ndarray | torch.Tensor) -> int:
    """Wrong bits when the model copies a (B, L, W) batch."""
    bits = torch.as_tensor(np.asarray(bits)).float()
    return int((model.copy(bits) != bits.bool()).sum())
