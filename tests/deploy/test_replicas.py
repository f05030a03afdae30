"""Two replicas behind nginx on loopback: affinity pins each browser, and when a replica dies
mid-lecture its students reconnect through the proxy to the other and get their page back.

Needs nginx (Debian: apt-get install nginx; `.ci/setup --dev` installs it): skipped without
it, except in CI (CI=true), where a missing nginx fails.
"""

from __future__ import annotations

import asyncio
import os
import random
import urllib.request
from http.cookiejar import CookieJar

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from attention_viz.bench.app_server import free_port
from attention_viz.deploy import replicas
from attention_viz.deploy.nginx import AFFINITY_COOKIE, find_nginx
from attention_viz.loadtest.protocol import UPSTREAM_HEADER, Endpoint
from attention_viz.loadtest.runner import room, run_sync
from attention_viz.loadtest.session import Tab

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deployment():
    if find_nginx() is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI: `.ci/setup --dev` must install it")
        pytest.skip("nginx is not installed (apt-get install nginx); CI runs this test")
    d = replicas.start(2, free_port(), [free_port(), free_port()], warm=("kernel", "dates"))
    yield d
    d.stop()


def _upstreams(url: str, browsers: int, requests: int) -> list[set[str]]:
    """For each new browser (cookie jar), the replicas its requests reached."""
    seen = []
    for _ in range(browsers):
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        answered = set()
        for _ in range(requests):
            with opener.open(f"{url}/_stcore/health", timeout=10) as r:
                answered.add(r.headers[UPSTREAM_HEADER])
        assert {c.name for c in jar} == {AFFINITY_COOKIE, "_streamlit_xsrf"}
        seen.append(answered)
    return seen


def test_a_browser_stays_on_one_replica_and_browsers_spread_over_both(deployment):
    seen = _upstreams(deployment.url, browsers=16, requests=4)
    assert all(len(s) == 1 for s in seen), seen
    assert len(set().union(*seen)) == 2, "16 browsers all hashed to one replica"


def _metrics(tab: Tab) -> dict[str, str]:
    """What the page showed in its st.metric boxes (outputs, not inputs)."""
    return dict(tab.metrics)


async def _open_on(url: str, path: str, query: str, replica: str | None, seed: int) -> Tab:
    """A tab on the page, on `replica` (new browsers until one lands there) or anywhere."""
    for attempt in range(40):
        tab = Tab(Endpoint.of(url, path), random.Random(seed + attempt))
        run = await tab.open(query)
        assert not run.error, run
        if replica is None or tab.upstream == replica:
            return tab
        await tab.close()
    raise AssertionError(f"no browser landed on {replica} in 40 tries")


async def _set(tab: Tab, kind: str, label: str, **value) -> None:
    w = tab.find(kind, label)
    state = WidgetState(id=w.id)
    for name, v in value.items():
        if isinstance(v, list):
            getattr(state, name).data.extend(v)
        else:
            setattr(state, name, v)
    run = await tab.act([state], w.fragment_id)
    assert not run.error, run


def test_a_replica_dies_and_its_students_come_back_on_the_other(deployment):
    url = deployment.url
    report = run_sync(_failover(deployment, url))
    print(report)  # pytest -s shows the reconnect times


async def _failover(deployment, url: str) -> str:
    loop = asyncio.get_running_loop()
    # Witnesses on one replica: a kernel page whose last run was its fragment (the frontend
    # reruns at once on reconnect), and a dates page whose last run was the whole page.
    kernel = await _open_on(url, "kernel_regression", "n_train=200", None, seed=1)
    await _set(kernel, "slider", "Bandwidth", string_array_value=["2.5"])
    victim = deployment.replica_at(kernel.upstream)
    dates = await _open_on(url, "dates", "", kernel.upstream, seed=100)
    await _set(dates, "text_input", "A date", string_value="9-3-1945")
    before = {
        "kernel": (kernel.query_string, _metrics(kernel)),
        "dates": (dates.query_string, _metrics(dates)),
    }
    assert before["kernel"][0] == "n_train=200&bandwidth=2.5"
    assert before["dates"][0] == "text=9-3-1945"

    started = loop.time()
    # A long action timeout: a run that is slow on the surviving replica is not a lost one.
    pages = ["kernel", "dates", "translation"]
    load = asyncio.create_task(room(url, 6, 24, pages, seed=5, timeout=120, t0=started))
    await asyncio.sleep(9)
    killed = loop.time() - started  # as the events count time
    await asyncio.to_thread(victim.kill)

    await kernel.idle(20)  # sees the socket close, reconnects and reruns the page
    ((what, back),) = kernel.events
    assert what == "reconnect" and not back.error, back
    assert back.upstream != f"127.0.0.1:{victim.port}"
    assert (kernel.query_string, _metrics(kernel)) == before["kernel"]

    await dates.idle(5)  # idle after a full run: reruns only for the app's timed fragment
    ((what, back_dates),) = dates.events
    assert what == "reconnect" and not back_dates.error, back_dates
    assert (dates.query_string, _metrics(dates)) == before["dates"]
    await _set(dates, "text_input", "A date", string_value="24jun1932")
    assert dates.upstream == back.upstream and dates.query_string == "text=24jun1932"
    # A reload (or the bookmark) of the URL it had before: the same page, from the URL alone.
    reload = await _open_on(url, "dates", before["dates"][0], None, seed=300)
    assert _metrics(reload) == before["dates"][1]

    events = await load
    for tab in (kernel, dates, reload):
        await tab.close()
    victim_address = f"127.0.0.1:{victim.port}"
    on_victim = {e.session for e in events if e.action == "open" and e.upstream == victim_address}
    errors = [e for e in events if e.error]
    # Lost: only the runs in flight when the replica died.
    assert all(e.error == "disconnect" for e in errors), errors
    assert all(e.start - 0.5 <= killed <= e.start + e.latency + 0.5 for e in errors), errors
    assert {e.session for e in errors} <= on_victim
    assert len(errors) <= len(on_victim)
    reconnects = [e for e in events if e.action == "reconnect"]
    assert {e.session for e in reconnects} <= on_victim
    assert all(not e.error and e.upstream != victim_address for e in reconnects), reconnects
    # Whatever they did after the kill ran on the survivor (the witnesses above show it does).
    later = [e for e in events if e.session in on_victim and e.start > killed + 1]
    assert all(e.upstream != victim_address for e in later), (killed, later)
    times = sorted([back.latency, back_dates.latency] + [e.latency for e in reconnects])
    return (
        f"{len(on_victim)} of 6 students were on the killed replica; {len(errors)} runs in "
        f"flight were lost; reconnect (socket lost -> page back or socket open) "
        f"{', '.join(f'{t:.2f}' for t in times)} s"
    )
