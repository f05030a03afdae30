"""What a simulated student does on each page: open it from a shared URL, then repeat one
realistic action (with think time, elsewhere).

An action finds its widget by type and label in what the page last drew, as a student finds
it on screen, and returns the widget states the frontend would send for it, with the id of
the fragment the widget lives in (a fragment's widget reruns only the fragment).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from streamlit.proto.WidgetStates_pb2 import WidgetState

from attention_viz.loadtest.session import Tab

KERNEL_N_TRAIN = (50, 100, 200, 500, 1000)  # the lecture's range: n <= 1,000
KERNEL_BANDWIDTHS = (0.01, 10.0)  # the part of the slider a student drags through


@dataclass(frozen=True)
class Step:
    """One action: its name in the report, the widget states to send, the fragment."""

    name: str
    changes: list[WidgetState]
    fragment_id: str = ""


@dataclass(frozen=True)
class Scenario:
    page: str  # the page's name on the command line
    path: str  # its URL path
    query: Callable[[random.Random], str]  # the shared URL's query string
    act: Callable[[Tab, random.Random], Step | None]  # None: the widget is not on screen


def _value(widget_id: str, **field: object) -> WidgetState:
    state = WidgetState(id=widget_id)
    for name, value in field.items():
        if isinstance(value, list):
            getattr(state, name).data.extend(value)
        else:
            setattr(state, name, value)
    return state


def _kernel(tab: Tab, rng: random.Random) -> Step | None:
    w = tab.find("slider", "Bandwidth")
    if w is None:
        return None
    lo, hi = KERNEL_BANDWIDTHS
    now = tab.states.get(w.id)
    current = list(now.string_array_value.data) if now is not None else []
    options = [o for o in w.element.options if lo <= float(o) <= hi and [o] != current]
    return Step(
        "kernel.bandwidth",
        [_value(w.id, string_array_value=[rng.choice(options)])],
        w.fragment_id,
    )


def _dates(tab: Tab, rng: random.Random) -> Step | None:
    from attention_viz.families.dates import data  # the generator's formats, test split

    w = tab.find("text_input", "A date")
    if w is None:
        return None
    text = data.generate(1, "test", rng.randrange(2**31))[0].text
    return Step("dates.type", [_value(w.id, string_value=text)], w.fragment_id)


def _translation(tab: Tab, rng: random.Random) -> Step | None:
    from attention_viz.families.translation import corpus

    text, submit = tab.find("text_input", "English sentence"), tab.find("button", "Translate")
    if text is None or submit is None:
        return None
    sentence = corpus.sample_sentence(rng, corpus.SampleOptions())
    changes = [_value(text.id, string_value=sentence), _value(submit.id, trigger_value=True)]
    return Step("translation.translate", changes)


def _button(page: str, label: str) -> Callable[[Tab, random.Random], Step | None]:
    def act(tab: Tab, rng: random.Random) -> Step | None:
        w = tab.find("button", label)
        if w is None:
            return None
        return Step(f"{page}.{label.lower()}", [_value(w.id, trigger_value=True)], w.fragment_id)

    return act


def _memory(tab: Tab, rng: random.Random) -> Step | None:
    w = tab.find("slider", "Sharpening")
    if w is None:
        return None
    gamma = rng.randrange(2, 41) / 2  # the slider's steps: 1.0 to 20.0 by 0.5
    return Step("memory.sharpen", [_value(w.id, double_array_value=[gamma])], w.fragment_id)


SCENARIOS: dict[str, Scenario] = {
    s.page: s
    for s in (
        Scenario(
            "kernel",
            "kernel_regression",
            lambda rng: f"n_train={rng.choice(KERNEL_N_TRAIN)}",
            _kernel,
        ),
        Scenario("dates", "dates", lambda rng: "", _dates),
        Scenario("translation", "translation", lambda rng: "", _translation),
        Scenario("transformer", "transformer", lambda rng: "", _button("transformer", "random")),
        Scenario(
            "captioning", "captioning", lambda rng: "", _button("captioning", "Another scene")
        ),
        Scenario("memory", "memory", lambda rng: "", _memory),
    )
}
