"""Shared fixtures: a running app server and a headless Chromium page driving it.

Browser tests use Debian's chromium (/usr/bin/chromium, or $CHROMIUM). Outside CI a missing
browser skips them; in CI (CI=true) it fails the run, so they can never silently not run.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from attention_viz.bench.app_server import running_app

ROOT = Path(__file__).resolve().parent.parent
# Test modules in core/, families/, app/ and browser/ import the helpers beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).is_file() else None


@pytest.fixture(scope="session")
def app_url():
    """Base URL of `streamlit run app.py` on a free loopback port, for the whole session."""
    try:
        with running_app() as url:
            yield url
    except RuntimeError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def one_torch_thread():
    """Run a module's small models on one torch thread: at these sizes two threads are
    slower, and much slower when other processes share the cores. Restores the count."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium")
        pytest.skip("no Chromium here (apt-get install -y chromium); CI runs these tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab; fails the test if the page logged an uncaught JS error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until a page has drawn its title and Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )


def exceptions_on(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]
