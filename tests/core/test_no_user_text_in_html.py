"""A static check: st.html, components.html and unsafe_allow_html=True are only ever given
constants (a string literal, or a module-level UPPER_CASE name bound to one), never text
formatted from variables, so no user text can reach the page as HTML."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "attention_viz").rglob("*.py"))]


def _constants(tree: ast.Module) -> set[str]:
    """Module-level UPPER_CASE names assigned a plain string literal (no f-string)."""
    names = set()
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return {n for n in names if n.lstrip("_").isupper()}


def _html_calls(tree: ast.Module):
    """Calls that render their text as HTML: *.html(...) and anything unsafe_allow_html."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        is_html = isinstance(node.func, ast.Attribute) and node.func.attr == "html"
        unsafe = any(
            k.arg == "unsafe_allow_html"
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        if is_html or unsafe:
            yield node


def _is_constant(arg: ast.expr, constants: set[str]) -> bool:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return True
    return isinstance(arg, ast.Name) and arg.id in constants


def offenders(source: str, path: str = "<text>") -> list[str]:
    tree = ast.parse(source)
    constants = _constants(tree)
    found = []
    for call in _html_calls(tree):
        args = list(call.args) + [k.value for k in call.keywords if k.arg in ("body", "html")]
        if not args or not all(_is_constant(a, constants) for a in args):
            found.append(f"{path}:{call.lineno}: {ast.unparse(call)[:120]}")
    return found


def test_html_is_only_ever_given_constants():
    found = [o for f in SOURCES for o in offenders(f.read_text(), str(f.relative_to(ROOT)))]
    assert not found, "HTML built from variables:\n" + "\n".join(found)


def test_the_check_catches_formatted_html():
    bad = [
        "st.html(f'<b>{name}</b>')",
        "st.markdown(text, unsafe_allow_html=True)",
        "st.html(CSS + user)",
        "components.html(page)",
        "X = f'{a}'\nst.html(X)",
    ]
    for source in bad:
        assert offenders("import streamlit as st\n" + source), source
    good = "import streamlit as st\nCSS = '<style>p {}</style>'\nst.html(CSS)\nst.html('<br>')"
    assert offenders(good) == []
    assert offenders("st.markdown(text, unsafe_allow_html=False)") == []
