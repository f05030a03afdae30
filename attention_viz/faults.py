"""Test-only fault injection: a model that raises on one trigger input, on a real server.

The pages put every model call inside an error boundary (ui.widgets.boundary); the tests
check that a failing model shows its session one message while other sessions go on. In
process they monkeypatch a model's method; against a real server they start it with

    ATTENTION_VIZ_FAULT="<family key>:<trigger>"   e.g.  dates:FAULT-7f3a9c

and then every model of that family raises InjectedFault from any call whose text argument
contains the trigger. The variable is read once, when the server loads its first model; it
is unset by default, a user cannot set it from a browser, and the server logs a warning
while it is on. The trigger must be at least MIN_TRIGGER characters, so that no ordinary
input trips it by accident.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ENV = "ATTENTION_VIZ_FAULT"
MIN_TRIGGER = 8

log = logging.getLogger(__name__)


class InjectedFault(RuntimeError):
    """Raised by a model armed with a fault (never outside tests)."""


@dataclass(frozen=True)
class Fault:
    family: str  # key of the family whose models raise, e.g. "dates"
    trigger: str  # an input containing this text makes them raise


@functools.cache
def configured() -> Fault | None:
    """The fault named by $ATTENTION_VIZ_FAULT, read once per process; None when unset.

    Raises:
        ValueError: the variable is set but not "<family>:<trigger of 8+ characters>".
    """
    raw = os.environ.get(ENV, "")
    if not raw:
        return None
    family, _, trigger = raw.partition(":")
    if not family or len(trigger) < MIN_TRIGGER:
        raise ValueError(f"{ENV} must be <family>:<trigger of at least {MIN_TRIGGER} characters>")
    log.warning("fault injection is ON: %s models raise on inputs containing %r", family, trigger)
    return Fault(family, trigger)


def _texts(args: tuple, kwargs: dict) -> Iterator[str]:
    for a in (*args, *kwargs.values()):
        if isinstance(a, str):
            yield a
        elif isinstance(a, list | tuple):
            yield from (x for x in a if isinstance(x, str))


class FaultyModel:
    """Wraps a model: every method raises InjectedFault when a text argument holds the
    trigger, and otherwise calls the model's own; attributes are the model's."""

    def __init__(self, model: Any, trigger: str):
        self._model, self._trigger = model, trigger

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._model, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            if any(self._trigger in t for t in _texts(args, kwargs)):
                raise InjectedFault(f"injected fault in {name}() (test only, ${ENV})")
            return attr(*args, **kwargs)

        return call


def armed(model: Any, name: str) -> Any:
    """The model itself, or a FaultyModel when $ATTENTION_VIZ_FAULT names its family."""
    fault = configured()
    if fault is None:
        return model
    from attention_viz.families import family_of

    return FaultyModel(model, fault.trigger) if family_of(name).key == fault.family else model
