"""The lecture path under Streamlit's AppTest: the Lecture page, the path bar, my path's editor."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from apptest_helpers import ROOT, assert_clean, run_page, shown
from streamlit.testing.v1 import AppTest

from attention_viz.families import family
from attention_viz.lecture import DEFAULT, LecturePath, Stop, decode, encode

APP = str(ROOT / "app.py")
LECTURE_PAGE = str(ROOT / "attention_viz/ui/lecture_page.py")
KERNEL_PAGE = str(ROOT / "attention_viz/families/kernel/page.py")


def app(page: str | None = None, **query: str) -> AppTest:
    """The whole app (router, sidebar, path bar) opened at a page's URL with these parameters."""
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at if page is None else at.switch_page(page).run()


def lecture(at: AppTest) -> AppTest:
    return at.switch_page(LECTURE_PAGE).run()


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def bar_text(at: AppTest) -> str:
    return " ".join(shown(m.value) for m in at.markdown if m.value.startswith("**Stop "))


def mine(at: AppTest) -> LecturePath:
    return at.session_state["lecture_draft"]


def query(at: AppTest) -> dict[str, str]:
    """The URL's parameters (AppTest holds a list of values for each one the app set)."""
    return {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()}


def test_lecture_page_lists_every_default_stop_and_starts_the_path():
    at = lecture(app())
    assert_clean(at)
    assert at.title[0].value == "Lecture"
    text = " ".join(shown(m.value) for m in at.markdown)
    for i, stop in enumerate(DEFAULT.stops, start=1):
        assert f"**{i}. {stop.title}**" in text
        assert f"**Ask the room:** {stop.question}" in text
        assert all(point in text for point in stop.points)
    button(at, "Start the lecture").click().run()
    assert_clean(at)
    assert query(at) == {"path": "default", "stop": "1"}
    assert at.title[0].value == "Attention Lab"  # stop 1 is the home page
    assert bar_text(at).startswith(f"**Stop 1/{len(DEFAULT.stops)} · What attention is**")
    assert at.button(key="lecture_previous").disabled


def test_next_and_previous_restore_each_stops_url_state():
    at = app(KERNEL_PAGE, bandwidth="0.05", path="default", stop="3")  # narrow kernel
    assert at.title[0].value.startswith("Nadaraya")
    assert at.select_slider(key="bandwidth").value == 0.05
    at.button(key="lecture_next").click().run()  # wide kernel: same page, other state
    assert_clean(at)
    assert query(at) == {"bandwidth": "2", "path": "default", "stop": "4"}
    assert at.select_slider(key="bandwidth").value == 2.0
    at.button(key="lecture_next").click().run()  # the bottleneck: the dates page
    assert_clean(at)
    assert at.selectbox(key="model").value == "date-baseline"
    at.button(key="lecture_previous").click().run()
    at.button(key="lecture_previous").click().run()
    assert query(at) == {"bandwidth": "0.05", "path": "default", "stop": "3"}
    assert at.select_slider(key="bandwidth").value == 0.05
    assert bar_text(at).startswith("**Stop 3/")


def test_bad_path_and_stop_in_the_url_get_warnings_not_errors():
    at = app(path="v1.garbage!", stop="2")
    assert_clean(at)
    (warning,) = [w.value for w in at.warning]
    assert "is corrupt (it has characters a code never has)" in shown(warning)
    assert "path" not in query(at) and not bar_text(at)
    at = app(path="default", stop="99")
    assert_clean(at)
    assert any(
        f"expected a whole number from 1 to {len(DEFAULT.stops)}" in shown(w.value)
        for w in at.warning
    )
    assert query(at)["stop"] == "1" and bar_text(at).startswith("**Stop 1/")


def test_add_views_reorder_remove_rename_and_share():
    at = app(KERNEL_PAGE, bandwidth="0.3", kernel="laplace")
    assert query(at)["bandwidth"] == "0.3"
    (title,) = [t for t in at.text_input if t.key.startswith("lecture_add_title_sidebar_kernel")]
    assert title.value == "Kernel regression"  # the page's title to start with
    title.set_value("Laplace <kernel>").run()
    at.button(key="lecture_add_sidebar").click().run()
    assert_clean(at)
    assert mine(at).stops == (
        Stop("kernel_regression", {"bandwidth": "0.3", "kernel": "laplace"}, "Laplace <kernel>"),
    )
    at.query_params.clear()  # as the browser does when a page is picked in the navigation
    at.switch_page(str(ROOT / "attention_viz/ui/home.py")).run()
    at.button(key="lecture_add_sidebar").click().run()
    assert [(s.page, s.title) for s in mine(at).stops][1] == ("", "Home")

    lecture(at)
    assert_clean(at)
    v = at.session_state["lecture_version"]  # the editor's widget keys carry it
    at.button(key=f"lecture_up_{v}_1").click().run()  # Home moves up
    assert [s.page for s in mine(at).stops] == ["", "kernel_regression"]
    v = at.session_state["lecture_version"]
    at.text_input(key=f"lecture_stop_title_{v}_0").set_value("Start here").run()
    at.text_area(key=f"lecture_stop_points_{v}_0").set_value("first\n\n second ").run()
    at.text_area(key=f"lecture_stop_question_{v}_0").set_value("Ready?").run()
    at.text_input(key=f"lecture_path_title_{v}").set_value("Week 3").run()
    assert_clean(at)
    assert mine(at).title == "Week 3"
    assert mine(at).stops[0] == Stop("", {}, "Start here", ("first", "second"), "Ready?")

    (code_block,) = at.code
    link = urlsplit(code_block.value)
    assert link.path.endswith("/lecture")
    (code,) = parse_qs(link.query)["path"]
    assert decode(code) == mine(at)

    at.text_input(key=f"lecture_stop_title_{v}_1").set_value("   ").run()  # refused
    assert any("stop 2: 'title' is empty" in shown(e.value) for e in at.error)
    assert mine(at).stops[1].title == "Laplace <kernel>"

    v = at.session_state["lecture_version"]
    at.button(key=f"lecture_remove_{v}_0").click().run()
    assert [s.title for s in mine(at).stops] == ["Laplace <kernel>"]


def test_my_path_followed_from_its_link_and_edited_on_the_way():
    path = LecturePath(
        "Two stops",
        (Stop("kernel_regression", {"bandwidth": "0.1"}, "Narrow <b>x</b>"), Stop("", {}, "Home")),
    )
    at = app(path=encode(path))  # a shared link: the path becomes mine to edit
    assert_clean(at)
    assert mine(at) == path
    assert bar_text(at).startswith("**Stop 1/2 · Narrow <b>x</b>**")
    (raw,) = [m.value for m in at.markdown if m.value.startswith("**Stop ")]
    assert r"Narrow \<b\>x\</b\>" in raw  # user text is shown as text, never as HTML
    at.button(key="lecture_back").click().run()  # open the stop's view
    assert at.select_slider(key="bandwidth").value == 0.1
    at.select_slider(key="bandwidth").set_value(1.0).run()
    at.button(key="lecture_add_bar").click().run()  # add the changed view while following
    assert_clean(at)
    assert len(mine(at).stops) == 3
    assert decode(query(at)["path"]) == mine(at)  # the link follows the edit
    assert bar_text(at).startswith("**Stop 1/3 · Narrow")
    button(at, "Leave the path").click().run()
    assert "path" not in query(at) and not bar_text(at)
    assert len(mine(at).stops) == 3  # my path is kept


def test_download_and_upload_a_path_file():
    at = lecture(app())
    button(at, "Copy it into my path").click().run()
    assert mine(at) == DEFAULT
    (download,) = at.get("download_button")
    assert download.proto.label == "Download my path (JSON)"

    good = LecturePath("From a file", (Stop("memory", {"beta": "20"}, "Sharp"),))
    at.file_uploader(key="lecture_upload").set_value(
        ("week4.json", good.to_json().encode(), "application/json")
    ).run()
    assert_clean(at)
    assert mine(at) == good
    assert any(
        "Loaded “From a file” from week4.json: 1 stops" in shown(s.value) for s in at.success
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{ not json", "not JSON: Expecting property name"),
        (json.dumps({"version": 1, "title": "x", "stops": [{"page": "foo", "title": "t"}]}),
         "stop 1: unknown page 'foo'"),
        (json.dumps({"version": 3, "title": "x", "stops": []}), "unsupported version 3"),
    ],
)  # fmt: skip
def test_a_bad_file_gets_an_error_naming_the_problem_and_nothing_is_lost(content, problem):
    at = lecture(app())
    button(at, "Copy it into my path").click().run()
    data = content if isinstance(content, bytes) else content.encode()
    at.file_uploader(key="lecture_upload").set_value(("bad.json", data, "application/json")).run()
    assert not at.exception
    (error,) = [shown(e.value) for e in at.error]
    assert error.startswith("bad.json was not loaded: ") and problem in error
    assert error.endswith("My path is unchanged.")
    assert mine(at) == DEFAULT


def _pages_of_default_stops() -> list[str]:
    return sorted({s.page for s in DEFAULT.stops} - {""})


@pytest.mark.parametrize("page", _pages_of_default_stops())
def test_every_default_stop_loads_its_view_without_a_warning(page):
    """Each stop's URL parameters are the page's own: the page takes them, shows no warning
    and keeps every one of them in the URL (a refused or defaulted value would leave it)."""
    for stop in (s for s in DEFAULT.stops if s.page == page):
        at = run_page(str(family(page).page_path().relative_to(ROOT)), **stop.params)
        assert_clean(at)
        assert not at.warning, (stop.title, [w.value for w in at.warning])
        for key, value in stop.params.items():
            assert query(at).get(key) == value, (stop.title, key)
