"""The load generator's parts without a server: bounds, widget states, URL state, figures."""

from __future__ import annotations

import pytest
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.TextInput_pb2 import TextInput

from attention_viz.loadtest import report
from attention_viz.loadtest.limits import MAX_SECONDS, MAX_SESSIONS
from attention_viz.loadtest.protocol import (
    Endpoint,
    NotLoopbackError,
    check_loopback,
    rerun_message,
)
from attention_viz.loadtest.runner import Event, check_bounds
from attention_viz.loadtest.session import Tab, Widget, initial_state


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501", "http://localhost:9", "http://[::1]:80"])
def test_loopback_urls_are_accepted(url):
    check_loopback(url)


@pytest.mark.parametrize(
    "url", ["http://10.1.2.3:8501", "http://192.0.2.7", "https://127.0.0.1:8501", "ftp://localhost"]
)
def test_other_hosts_and_schemes_are_refused(url):
    with pytest.raises(NotLoopbackError):
        check_loopback(url)


def test_the_cli_names_every_scenario_without_importing_them():
    from attention_viz.loadtest.actions import SCENARIOS
    from attention_viz.loadtest.limits import PAGES

    assert tuple(SCENARIOS) == PAGES


def test_sessions_seconds_and_pages_are_bounded():
    url = "http://127.0.0.1:8501"
    check_bounds(url, MAX_SESSIONS, MAX_SECONDS, ["kernel"])
    for sessions, seconds, pages in [
        (MAX_SESSIONS + 1, 10, ["kernel"]),
        (0, 10, ["kernel"]),
        (5, MAX_SECONDS + 1, ["kernel"]),
        (5, 10, ["nope"]),
        (5, 10, []),
    ]:
        with pytest.raises(ValueError):
            check_bounds(url, sessions, seconds, pages)


def _select_slider(value_index: int | None) -> Widget:
    e = Slider(id="w1", label="Bandwidth h", options=["0.1", "0.5", "2"], query_param_key="")
    e.default.append(1)
    if value_index is not None:
        e.value.append(value_index)
        e.set_value = True
    return Widget("w1", "slider", e.label, e, "")


def test_a_select_slider_reports_its_option_text_as_the_frontend_does():
    assert list(initial_state(_select_slider(None)).string_array_value.data) == ["0.5"]
    assert list(initial_state(_select_slider(2)).string_array_value.data) == ["2"]
    assert list(initial_state(_select_slider(2), current=False).string_array_value.data) == ["0.5"]


def test_a_bound_widget_writes_the_url_and_leaves_it_out_at_its_default():
    tab = Tab(Endpoint.of("http://127.0.0.1:8501", "dates"), rng=None)
    e = TextInput(id="t", label="A date", default="Tuesday", query_param_key="text")
    tab.widgets["t"] = Widget("t", "text_input", e.label, e, "")
    tab.query_string = "model=date-peeky"
    state = initial_state(tab.widgets["t"])
    state.string_value = "9-3-1945"
    tab._write_url(state)
    assert tab.query_string == "model=date-peeky&text=9-3-1945"
    state.string_value = "Tuesday"
    tab._write_url(state)
    assert tab.query_string == "model=date-peeky"


def test_a_rerun_names_the_page_until_the_server_has_given_its_hash():
    from streamlit.proto.BackMsg_pb2 import BackMsg

    first, later = BackMsg(), BackMsg()
    first.ParseFromString(rerun_message("n_train=100", [], page_name="kernel_regression"))
    later.ParseFromString(rerun_message("n_train=100", [], page_script_hash="abc", fragment_id="f"))
    assert first.rerun_script.page_name == "kernel_regression"
    assert first.rerun_script.query_string == "n_train=100"
    assert (later.rerun_script.page_script_hash, later.rerun_script.fragment_id) == ("abc", "f")


def _events() -> list[Event]:
    action = "kernel.bandwidth"
    ok = [Event(5, i % 5, "kernel", action, i, (i + 1) / 100, 0.01, "", "") for i in range(100)]
    bad = [Event(5, 0, "kernel", "kernel.bandwidth", 200, 30.0, None, "timeout", "")]
    return ok + bad


def test_percentiles_leave_failed_runs_out_and_count_them_by_kind():
    (row,) = report.summarize(_events())
    assert row.runs == 101 and row.errors == 1 and row.kinds == "timeout:1"
    assert row.p50 == pytest.approx(0.505) and row.max == pytest.approx(1.0)
    assert row.p95 == pytest.approx(0.9505)


def test_the_csvs_and_the_chart_are_written(tmp_path):
    rows = report.summarize(_events())
    resources = [report.Resources(5, 800.0, 790.0, 150.0, 10.0, 1.5, 20.0, 101)]
    report.write_summary(rows, resources, tmp_path / "sweep.csv")
    report.write_events(_events(), tmp_path / "events.csv")
    header, line = (tmp_path / "sweep.csv").read_text().splitlines()
    assert header.startswith("level,action,runs,p50,p95")
    assert header.endswith("load_avg_1m,wall_s,level_runs")
    assert line.startswith("5,kernel.bandwidth,101,")
    assert line.endswith(",800.0,790.0,150.0,10.0,1.5,20.0,101")
    assert len((tmp_path / "events.csv").read_text().splitlines()) == 102
    written = report.save_figure(report.figure(rows, resources), tmp_path / "chart.html")
    assert written[0].read_text().count("kernel.bandwidth p95") >= 1
    assert "RSS peak 800 MB" in report.table(rows, resources)
    assert "(297 ms per run)" in report.table(rows, resources)  # 1.5 cores x 20 s / 101
    # --replot reads the summary back: the same table, the same chart.
    assert report.read_summary(tmp_path / "sweep.csv") == (rows, resources)


def test_the_sampler_reads_cpu_and_memory_of_a_process_from_proc():
    import os
    import time

    from attention_viz.loadtest.sweep import Sampler, cpu_seconds, rss_mb

    assert rss_mb(os.getpid()) > 10 and cpu_seconds(os.getpid()) > 0
    with Sampler(os.getpid(), every=0.05) as s:
        end = time.process_time() + 0.3
        while time.process_time() < end:  # busy: this process is the one sampled
            pass
    # CPU seconds, not percent: on a busy machine the 0.3 s of CPU take longer to get.
    assert s.peak > 10 and s.cpu_pct * s.wall / 100 >= 0.29
    assert s.client_cpu_pct == pytest.approx(s.cpu_pct, rel=0.2)  # the same process here
