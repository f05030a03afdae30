"""Live training of date-attention: progress events, stopping on request, one at a time."""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace

import numpy as np
import pytest

from attention_viz.families.dates import live, live_jobs

# A short run: small pool and validation set, so the test stays a few seconds.
SHORT = replace(
    live.LiveConfig(), batch_size=256, pool_examples=6_000, val_examples=300, eval_every=40
)


@pytest.fixture(scope="module")
def prepared():
    return live.prepare(SHORT)


def test_a_short_run_learns_and_reports_progress(prepared):
    config = replace(SHORT, max_steps=160)
    trainer = live.LiveTrainer(config, prepared, watch="25 sept 1984")
    events = list(trainer.run())
    assert [e.step for e in events] == [0, 40, 80, 120, 160]
    assert events[-1].done and events[-1].reason == "budget"
    assert not any(e.done for e in events[:-1])
    assert events[0].seconds == 0 and events[0].val_accuracy == 0  # untrained
    assert np.all(np.diff([e.seconds for e in events]) > 0)
    assert np.all(np.diff([e.cpu_seconds for e in events]) > 0)  # the training thread's CPU
    assert events[-1].loss < events[1].loss / 2
    # From 0% (random outputs) to a modest accuracy in 160 steps of 256 dates.
    assert events[-1].val_accuracy >= 0.2, events[-1]
    for e in events:  # the untrained model's attention too
        assert e.attention.shape == (10, len("25 sept 1984"))
        np.testing.assert_allclose(e.attention.sum(1), 1.0, atol=1e-4)
        assert len(e.output) == 10
    assert not trainer.model.training  # handed back in eval mode


def test_stop_ends_the_run_at_the_next_event(prepared):
    stop = threading.Event()
    trainer = live.LiveTrainer(replace(SHORT, max_steps=2_000), prepared)
    events = []
    for e in trainer.run(stop):
        events.append(e)
        stop.set()  # asked to stop after the first event
    assert len(events) == 2
    assert events[-1].done and events[-1].reason == "stopped"
    assert events[-1].step == events[0].step  # no further step was taken


def test_the_rate_warms_up_then_decays_to_its_floor():
    c = replace(SHORT, warmup_steps=10, max_steps=100)
    factors = [live.rate_factor(k, c) for k in range(120)]
    assert factors[0] == pytest.approx(0.1) and factors[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in itertools.pairwise(factors[10:]))
    assert factors[100] == pytest.approx(0.05) and factors[119] == pytest.approx(0.05)


def test_batches_hold_one_input_length_each(prepared):
    trainer = live.LiveTrainer(SHORT, prepared)
    batches = trainer._batches()
    for _ in range(20):
        ids, targets = next(batches)
        assert (ids != 0).all()  # no padding: every input in the batch has the same length
        assert targets.shape == (len(ids), 11)


def test_a_bad_watched_input_is_refused_before_training(prepared):
    with pytest.raises(ValueError, match="at most 40"):
        live.LiveTrainer(SHORT, prepared, watch="9" * 60)


def test_the_slot_admits_one_training_at_a_time(prepared):
    slot = live_jobs.TrainingSlot()
    first = slot.start("a", live.LiveTrainer(replace(SHORT, max_steps=2_000), prepared))
    try:
        assert slot.running() is first
        with pytest.raises(live_jobs.Busy, match=r"another session: \d+ s elapsed"):
            slot.start("b", live.LiveTrainer(SHORT, prepared))
    finally:
        first.stop()
    assert first.wait(timeout=120)
    assert first.error is None and first.events[-1].reason == "stopped"
    assert slot.running() is None
    second = slot.start("b", live.LiveTrainer(replace(SHORT, max_steps=40), prepared))
    assert second.wait(timeout=120) and second.events[-1].reason == "budget"
