"""A static check: st.html, components.html and unsafe_allow_html=True are only ever given
constants (a string literal, or a module-level UPPER_CASE name bound to one), never text
formatted from variables, so no user text can reach the page as HTML."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "attention_viz").rglob("*.py"))]


def _static(value: ast.expr, names: set[str]) -> bool:
    """A string literal, a name of one, or an f-string / `+` made only of those."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    if isinstance(value, ast.Name):
        return value.id in names
    if isinstance(value, ast.JoinedStr):
        return all(
            _static(v.value if isinstance(v, ast.FormattedValue) else v, names)
            for v in value.values
        )
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _static(value.left, names) and _static(value.right, names)
    return False


def _constants(tree: ast.Module) -> set[str]:
    """Module-level UPPER_CASE names bound to constant text: a string literal, or an f-string
    or `+` of literals and names bound earlier to constant text (never a variable)."""
    names: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not _static(node.value, names):
            continue
        targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
        names |= {n for n in targets if n.lstrip("_").isupper()}
    return names


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


# Constants the AST cannot prove static but that are: built at import from our own CSS and the
# numeric chart widths of plots.responsive.WIDTHS (no input of any kind reaches them).
REVIEWED = {"attention_viz/ui/layout.py": {"STYLE", "PRESENTING_STYLE"}}


def offenders(source: str, path: str = "<text>") -> list[str]:
    tree = ast.parse(source)
    constants = _constants(tree) | REVIEWED.get(path, set())
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
    composed = "_A = 'p {}'\n_B = 'h1 {}'\nSTYLE = f'<style>{_A}{_B}</style>'\nst.html(STYLE)"
    assert offenders("import streamlit as st\n" + composed) == []
    assert offenders("import streamlit as st\n_A = user\nSTYLE = f'{_A}'\nst.html(STYLE)")
