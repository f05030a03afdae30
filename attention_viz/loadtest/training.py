"""One more tab that trains date-attention live while the room works (`loadtest --train`).

It does what a lecturer's browser does on the date page: opens it with a step budget in the
URL, presses "Start training", then reruns the progress fragment on the timer the server
asks for (Streamlit's auto_rerun message: twice a second) until the training ends or the
run's time is up. The training itself runs on a thread inside the server, so every other
tab's latency in the same run shows what a live training costs the rest of the room.
"""

from __future__ import annotations

import asyncio
import random

from attention_viz.loadtest.actions import _value
from attention_viz.loadtest.protocol import Endpoint
from attention_viz.loadtest.session import Run, Tab

PAGE = "dates-training"  # the tab's page name in the report
MAX_POLL_SECONDS = 10.0  # timed fragments slower than this are not the progress view
START_LABEL = "Start training"


async def trainer(url: str, steps: int, deadline: float, timeout: float, record) -> None:
    """Train in one tab until the training ends or `deadline` (loop time).

    Args:
        steps: the step budget typed into the page (its `steps` URL parameter).
        record: record(action, run, started) logs one event under PAGE.
    """
    loop = asyncio.get_running_loop()
    tab = Tab(Endpoint.of(url, "dates"), random.Random(0), timeout)
    started = loop.time()
    run = await tab.open(f"steps={steps}")
    record("open", run, started)
    try:
        start = tab.find("button", START_LABEL)
        if run.error or start is None:
            record("training.missing", Run(error="no_widget"), loop.time())
            return
        started = loop.time()
        run = await tab.act([_value(start.id, trigger_value=True)], start.fragment_id)
        record("training.start", run, started)
        while loop.time() < deadline:
            polls = {f: s for f, s in tab.auto_reruns.items() if s <= MAX_POLL_SECONDS}
            if not polls:  # the progress view stopped polling: the training has ended
                record("training.done", Run(), loop.time())
                return
            fragment, interval = min(polls.items(), key=lambda p: p[1])
            await tab.idle(min(interval, max(deadline - loop.time(), 0.0)))
            if loop.time() >= deadline:
                break
            started = loop.time()
            run = await tab.act([], fragment)
            record("training.poll", run, started)
    finally:
        await tab.close()
