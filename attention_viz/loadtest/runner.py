"""A room of simulated students: N tabs, each opening a page and repeating its action with
2-5 s of think time, for T seconds; every run is recorded as an Event.

Bounded: loopback servers only, at most MAX_SESSIONS tabs and MAX_SECONDS seconds; a run
stops by itself (tabs finish the action they are in, up to the action timeout).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from attention_viz.loadtest import training
from attention_viz.loadtest.actions import SCENARIOS, Scenario
from attention_viz.loadtest.limits import MAX_SECONDS, MAX_SESSIONS
from attention_viz.loadtest.protocol import Endpoint, check_loopback
from attention_viz.loadtest.session import Run, Tab

T = TypeVar("T")

THINK_SECONDS = (2.0, 5.0)
MAX_TRAIN_STEPS = 2_000  # the date page's own step budget limit


@dataclass(frozen=True)
class Event:
    """One script run a tab waited for (or failed to get)."""

    level: int  # how many tabs the run had
    session: int
    page: str
    action: str  # "open", "reconnect", "reload" or the scenario's step name
    start: float  # seconds since the run began
    latency: float  # seconds; for errors, until the failure was seen
    first_chart: float | None
    error: str  # "" when the run finished without an exception shown
    upstream: str  # the replica that answered, behind attention_viz.deploy's nginx


def check_bounds(url: str, sessions: int, seconds: float, pages: Sequence[str]) -> None:
    """Raises ValueError naming the limit a request is outside of."""
    check_loopback(url)
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"--sessions must be 1 to {MAX_SESSIONS}, got {sessions}")
    if not 1 <= seconds <= MAX_SECONDS:
        raise ValueError(f"--seconds must be 1 to {MAX_SECONDS}, got {seconds:g}")
    unknown = [p for p in pages if p not in SCENARIOS]
    if unknown or not pages:
        raise ValueError(f"unknown page(s) {unknown}; choose from {', '.join(SCENARIOS)}")


def run_load(
    url: str,
    sessions: int,
    seconds: float,
    pages: Sequence[str],
    seed: int = 0,
    timeout: float = 30.0,
    ramp: float = 2.0,
    train_steps: int | None = None,
) -> list[Event]:
    """Drive `sessions` tabs (pages dealt round-robin) against the app at `url`.

    Args:
        ramp: tabs open at random moments within the first `ramp` seconds (a lecture hall
            opening a shared link at once).
        train_steps: also one tab that trains date-attention live with this step budget
            (loadtest.training), its events under the page "dates-training".
    """
    check_bounds(url, sessions, seconds, pages)
    if train_steps is not None and not 10 <= train_steps <= MAX_TRAIN_STEPS:
        raise ValueError(f"--train takes 10 to {MAX_TRAIN_STEPS} steps, got {train_steps}")
    return run_sync(room(url, sessions, seconds, list(pages), seed, timeout, ramp, train_steps))


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, also from a thread whose event loop is already running (a notebook, or
    Playwright's sync API in the same test process): then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def room(
    url: str,
    sessions: int,
    seconds: float,
    pages: Sequence[str],
    seed: int = 0,
    timeout: float = 30.0,
    ramp: float = 2.0,
    train_steps: int | None = None,
    t0: float | None = None,
) -> list[Event]:
    """run_load inside a running event loop (bounds checked by the caller).

    Args:
        t0: the loop time events count from and the seconds run from (default: now).
    """
    loop = asyncio.get_running_loop()
    t0 = loop.time() if t0 is None else t0
    events: list[Event] = []
    students = [
        _student(
            i,
            sessions,
            SCENARIOS[pages[i % len(pages)]],
            url,
            random.Random(seed * 1_000_003 + i),
            t0,
            t0 + seconds,
            timeout,
            ramp,
            events,
        )
        for i in range(sessions)
    ]
    if train_steps is not None:

        def record(action: str, run: Run, started: float) -> None:
            events.append(_event(sessions, sessions, training.PAGE, action, run, started - t0))

        students.append(training.trainer(url, train_steps, t0 + seconds, timeout, record))
    await asyncio.gather(*students)
    return sorted(events, key=lambda e: e.start)


def _event(level: int, session: int, page: str, action: str, run: Run, start: float) -> Event:
    first = None if run.first_chart is None else round(run.first_chart, 4)
    return Event(
        level, session, page, action, round(start, 3), round(run.latency, 4), first,
        run.error, run.upstream,
    )  # fmt: skip


async def _student(
    i: int,
    level: int,
    scenario: Scenario,
    url: str,
    rng: random.Random,
    t0: float,
    deadline: float,
    timeout: float,
    ramp: float,
    events: list[Event],
) -> None:
    loop = asyncio.get_running_loop()

    def record(action: str, run: Run, started: float) -> None:
        events.append(_event(level, i, scenario.page, action, run, started - t0))

    def record_background(tab: Tab) -> None:
        for action, run in tab.events:
            record(action, run, loop.time() - run.latency)
        tab.events.clear()

    await asyncio.sleep(rng.uniform(0, ramp))
    tab = Tab(Endpoint.of(url, scenario.path), rng, timeout)
    started = loop.time()
    run = await tab.open(scenario.query(rng))
    record("open", run, started)
    if run.error == "disconnect":  # the socket closed while the page loaded: the frontend
        back = await tab.recover(rerun=True)  # reruns it (as mid-run)
        record_background(tab)
        if back is None or back.error:
            await tab.close()
            return  # no server answered: nothing to act on
    try:
        while (left := deadline - loop.time()) > 0:
            await tab.idle(min(rng.uniform(*THINK_SECONDS), left))
            record_background(tab)
            if loop.time() >= deadline:
                break
            if not tab.widgets:  # the page never finished drawing (a timeout): reload it
                await tab.reload()
                record_background(tab)
            step = scenario.act(tab, rng)
            started = loop.time()
            if step is None:  # not on screen: the page did not draw it (or is gone)
                record(f"{scenario.page}.missing", Run(error="no_widget"), started)
                continue
            run = await tab.act(step.changes, step.fragment_id)
            record(step.name, run, started)
            record_background(tab)
    finally:
        await tab.close()
