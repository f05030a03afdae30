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
