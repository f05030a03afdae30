"""The pages a stop can name: the home page ("") and every family that has a page."""

from __future__ import annotations

from attention_viz.families import families

HOME = ""  # the home page's key (its URL path is the app's root)


def page_keys() -> tuple[str, ...]:
    """Every page a stop may name, in navigation order."""
    return (HOME, *(f.key for f in families() if f.page is not None))


def page_title(key: str) -> str:
    """The navigation title of a page ("Home" for the home page)."""
    for f in families():
        if f.key == key:
            return f.title
    return "Home"
