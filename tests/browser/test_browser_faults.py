"""Faults on a real server, seen from several browser sessions at once.

Each session is a Playwright browser context (its own cookies, websocket and Streamlit
session). The load generator (python -m attention_viz loadtest) can replace these contexts
for larger counts; these tests need a browser anyway, to see what a student sees.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from conftest import exceptions_on, wait_for_app
from playwright.sync_api import expect
from server_control import AppServer, sessions

from attention_viz import faults

pytestmark = pytest.mark.browser

TRIGGER = "FAULT-7f3a9c"
DATES = {"25 sept 1984": "1984-09-25", "8/23/08": "2008-08-23", "3 july 2011": "2011-07-03"}


def output_of(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text()


def type_date(page, text: str) -> None:
    box = page.get_by_role("textbox", name="A date, in any format")
    box.fill(text)
    box.press("Enter")


def test_a_fault_in_one_session_leaves_the_others_working(browser):
    env = {faults.ENV: f"dates:{TRIGGER}"}
    with AppServer(env) as server, sessions(browser, 4) as pages:
        inputs = [f"{TRIGGER} 25 sept 1984", *DATES]
        for p, text in zip(pages, inputs, strict=True):  # all four load at once
            p.goto(f"{server.url}/dates?text={quote(text)}", wait_until="commit")
        for p in pages:
            wait_for_app(p, 120_000)
        faulty, others = pages[0], pages[1:]
        faulty.get_by_text("Something went wrong while converting this date").wait_for()
        assert "InjectedFault" in faulty.locator('[data-testid="stAlert"]').first.inner_text()
        faulty.get_by_text("Batch conversion").wait_for(timeout=60_000)  # the rest of its page
        for p, expected in zip(others, DATES.values(), strict=True):
            p.get_by_text(expected).first.wait_for()
            assert output_of(p) == expected
            assert p.locator('[data-testid="stAlert"]').get_by_text("went wrong").count() == 0
        # Everyone goes on, the faulty session included; the server logged the traceback.
        type_date(faulty, "8/23/08")
        faulty.wait_for_function(
            "() => document.querySelector('[data-testid=\"stMetricValue\"]')?.innerText"
            " === '2008-08-23'",
            timeout=60_000,
        )
        type_date(others[0], "3 july 2011")
        others[0].wait_for_function(
            "() => document.querySelector('[data-testid=\"stMetricValue\"]')?.innerText"
            " === '2011-07-03'",
            timeout=60_000,
        )
        for p in pages:
            wait_for_app(p)
            assert exceptions_on(p) == []
        assert server.alive()
        log = server.log_text()
        assert "fault injection is ON" in log and "InjectedFault" in log and "Traceback" in log


def test_the_page_comes_back_with_its_url_state_after_a_server_restart(browser):
    query = "text=8%2F23%2F08&model=date-additive&gold=false"
    with AppServer() as server, sessions(browser, 1) as (page,):
        sockets: list[float] = []
        page.on("websocket", lambda _: sockets.append(time.perf_counter()))
        page.goto(f"{server.url}/dates?{query}")
        wait_for_app(page, 120_000)
        page.get_by_text("2008-08-23").first.wait_for()
        dialog = page.get_by_text("Streamlit server is not responding")

        killed = time.perf_counter()
        server.kill()
        dialog.wait_for(timeout=120_000)  # the browser noticed and keeps retrying
        noticed = time.perf_counter()
        opened = len(sockets)
        server.start()
        healthy = time.perf_counter()
        dialog.wait_for(state="detached", timeout=120_000)  # reconnected on its own
        reconnected = time.perf_counter()
        assert len(sockets) > opened, "no new websocket"
        wait_for_app(page, 120_000)
        page.get_by_text("2008-08-23").first.wait_for()
        print(
            f"\nrestart: browser noticed the crash after {noticed - killed:.2f} s; server "
            f"down->healthy {healthy - killed:.2f} s; healthy->new websocket "
            f"{sockets[-1] - healthy:.2f} s; healthy->reconnected (dialog gone) "
            f"{reconnected - healthy:.2f} s; kill->reconnected {reconnected - killed:.2f} s"
        )
        assert_state(page, "8/23/08", "2008-08-23")
        # The reconnected session is live on the new server: a new date converts ...
        type_date(page, "3 july 2011")
        page.get_by_text("2011-07-03").first.wait_for(timeout=60_000)
        page.wait_for_url("**text=3+july+2011**", timeout=60_000)
        # ... and a reload, a new session, restores the page from the URL alone.
        page.reload()
        wait_for_app(page, 120_000)
        page.get_by_text("2011-07-03").first.wait_for()
        assert_state(page, "3 july 2011", "2011-07-03")


def assert_state(page, text: str, output: str) -> None:
    """The widgets show the URL's state (text, model, outline toggle), not the defaults."""
    expect(page.get_by_role("textbox", name="A date, in any format")).to_have_value(text)
    expect(page.get_by_role("combobox", name="Model", exact=True)).to_have_value("date-additive")
    expect(page.get_by_role("switch", name="Outline the gold field spans")).not_to_be_checked()
    assert "model=date-additive" in page.url and "gold=false" in page.url
    assert output_of(page) == output
    assert exceptions_on(page) == []
