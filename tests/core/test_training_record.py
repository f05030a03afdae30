"""The one training loop's record says what the training ran on, not what the caller has."""

from __future__ import annotations

import torch
from torch import nn

from attention_viz import training


def test_the_record_names_the_threads_the_training_ran_on():
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    batch = (torch.randn(8, 2), torch.randn(8, 1))
    config = training.TrainConfig(epochs=2, batch_size=8)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with training.training_threads() as threads:
            history = training.fit(
                model,
                config,
                lambda epoch: [batch],
                lambda m, b: nn.functional.mse_loss(m(b[0]), b[1]),
                lambda m: {},
                log=lambda s: None,
            )
        assert torch.get_num_threads() == 2  # the caller's count is back
        meta = training.record("tiny", config, history, {}, quick=True)
    finally:
        torch.set_num_threads(before)
    assert [r["threads"] for r in history] == [threads, threads] == [1, 1]
    assert meta["training"]["threads"] == 1
    assert history[1]["train_seconds"] >= history[0]["train_seconds"]
