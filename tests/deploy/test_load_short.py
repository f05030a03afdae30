"""The load test's short form, for CI: five students for 20 s on one server, no errors.

The full sweep (1 to 50 students, 2 minutes each) is a command, not a test:
python -m attention_viz loadtest --sweep 1,5,10,20,30,50 --seconds 120 (see the README).
"""

from __future__ import annotations

from collections import Counter

import pytest

from attention_viz.loadtest.runner import run_load

pytestmark = pytest.mark.slow


def test_five_students_for_twenty_seconds_see_no_errors(app_url):
    events = run_load(app_url, 5, 20, ["kernel", "dates", "translation"], seed=0)
    assert [e for e in events if e.error] == []
    runs = Counter(e.action for e in events)
    assert runs["open"] == 5
    assert {"kernel.bandwidth", "dates.type", "translation.translate"} <= set(runs), runs
    # Every action brought new chart data back, not just a finished script.
    assert all(e.first_chart is not None for e in events), events


def test_a_live_training_runs_to_its_end_beside_two_students(app_url):
    """--train: one more tab starts a live training and polls its progress as a browser does,
    until the page stops polling; the students beside it see no errors."""
    events = run_load(app_url, 2, 45, ["kernel", "dates"], seed=1, train_steps=20)
    assert [e for e in events if e.error] == []
    training = Counter(e.action for e in events if e.page == "dates-training")
    assert training["training.start"] == 1 and training["training.poll"] >= 1, training
    assert training["training.done"] == 1, "the progress view never stopped polling"
    assert {"kernel.bandwidth", "dates.type"} <= {e.action for e in events}
