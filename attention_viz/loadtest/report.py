"""Figures of a load run: percentiles per action and level, the table, CSVs, the chart.

Latency percentiles are over the runs that finished; a run that failed counts as an error
of its kind (exception: an exception element or a compile error shown; disconnect: the
socket closed mid-run; timeout: no script_finished within the action timeout; lost: no
server answered a reconnect; no_widget: the page did not draw the widget to act on).
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from attention_viz.loadtest.runner import Event


@dataclass(frozen=True)
class Summary:
    level: int
    action: str
    runs: int
    p50: float | None
    p95: float | None
    max: float | None
    chart_p95: float | None  # to the first plotly chart of the run
    errors: int
    kinds: str  # "timeout:2 disconnect:1"


@dataclass(frozen=True)
class Resources:
    """The server process during one level (attention_viz.loadtest.sweep samples it)."""

    level: int
    rss_mb_peak: float
    rss_mb_end: float
    cpu_pct: float  # of one core: 200 means both cores of a 2-core machine
    client_cpu_pct: float
    load_avg_1m: float  # of the whole machine, at the level's end
    wall_s: float = 0.0  # how long the level ran, its last actions included
    level_runs: int = 0  # script runs the level's tabs waited for (all actions)

    @property
    def cpu_ms_per_run(self) -> float:
        """Server CPU per script run: what one action costs, whatever the machine's load."""
        return 10 * self.cpu_pct * self.wall_s / max(self.level_runs, 1)


def summarize(events: Iterable[Event]) -> list[Summary]:
    groups: dict[tuple[int, str], list[Event]] = defaultdict(list)
    for e in events:
        groups[e.level, e.action].append(e)
    rows = []
    for (level, action), group in sorted(groups.items()):
        ok = np.array([e.latency for e in group if not e.error])
        charts = np.array([e.first_chart for e in group if not e.error and e.first_chart])
        kinds = Counter(e.error for e in group if e.error)
        rows.append(
            Summary(
                level,
                action,
                len(group),
                _pct(ok, 50),
                _pct(ok, 95),
                float(ok.max()) if ok.size else None,
                _pct(charts, 95),
                sum(kinds.values()),
                " ".join(f"{k}:{n}" for k, n in sorted(kinds.items())),
            )
        )
    return rows


def _pct(values: np.ndarray, q: float) -> float | None:
    return float(np.percentile(values, q)) if values.size else None


def table(rows: Sequence[Summary], resources: Sequence[Resources] = ()) -> str:
    """A plain-text table, one line per (sessions, action); server figures per level."""
    by_level = {r.level: r for r in resources}
    head = (
        f"{'sessions':>8} {'action':<24} {'runs':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
        f"{'chart p95':>9} {'errors':>6}"
    )
    lines = [head, "-" * len(head)]
    for level in sorted({r.level for r in rows}):
        for r in (r for r in rows if r.level == level):
            lines.append(
                f"{r.level:>8} {r.action:<24} {r.runs:>5} {_s(r.p50)} {_s(r.p95)} {_s(r.max)} "
                f"{_s(r.chart_p95, 9)} {r.errors:>6}" + (f"  ({r.kinds})" if r.kinds else "")
            )
        if level in by_level:
            x = by_level[level]
            lines.append(
                f"{'':>8} server: RSS peak {x.rss_mb_peak:.0f} MB (end {x.rss_mb_end:.0f} MB), "
                f"CPU {x.cpu_pct:.0f}% of one core ({x.cpu_ms_per_run:.0f} ms per run); "
                f"client CPU {x.client_cpu_pct:.0f}%; load average {x.load_avg_1m:.2f}"
            )
    return "\n".join(lines)


def _s(value: float | None, width: int = 7) -> str:
    return f"{value:>{width}.3f}" if value is not None else f"{'-':>{width}}"


def write_events(events: Sequence[Event], path: Path) -> None:
    """Every run, one row each (the raw data behind the table)."""
    _write(path, [f.name for f in dataclasses.fields(Event)], map(dataclasses.astuple, events))


def write_summary(rows: Sequence[Summary], resources: Sequence[Resources], path: Path) -> None:
    """One row per (sessions, action), with the level's server figures."""
    by_level = {r.level: r for r in resources}
    extra = [f.name for f in dataclasses.fields(Resources)][1:]
    header = [f.name for f in dataclasses.fields(Summary)] + extra
    _write(
        path,
        header,
        (
            [*dataclasses.astuple(r)]
            + ([getattr(by_level[r.level], k) for k in extra] if r.level in by_level else [])
            for r in rows
        ),
    )


def read_summary(path: Path) -> tuple[list[Summary], list[Resources]]:
    """What write_summary wrote: the table's rows and each level's server figures."""
    rows, resources = [], {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            rows.append(Summary(**{k.name: _cell(row[k.name], k.type) for k in _FIELDS}))
            if row.get("rss_mb_peak"):
                level = int(row["level"])
                resources[level] = Resources(
                    level, **{k.name: _cell(row[k.name], k.type) for k in _RESOURCE_FIELDS}
                )
    return rows, [resources[k] for k in sorted(resources)]


_FIELDS = dataclasses.fields(Summary)
_RESOURCE_FIELDS = dataclasses.fields(Resources)[1:]


def _cell(text: str, kind: str) -> object:
    if kind == "str":
        return text
    if text == "":
        return None
    return int(text) if kind == "int" else float(text)


def _write(path: Path, header: list[str], rows: Iterable[Sequence]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)


TARGET_P95 = 1.0  # seconds: the target for the kernel and date actions at 30 students


def figure(rows: Sequence[Summary], resources: Sequence[Resources] = (), title: str = ""):
    """Latency (p50 dashed, p95 solid) per action against sessions; server RSS and CPU below."""
    from plotly.colors import qualitative
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=2 if resources else 1,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.65, 0.35] if resources else None,
        specs=[[{}], [{"secondary_y": True}]] if resources else [[{}]],
    )
    actions = sorted({r.action for r in rows} - {"reconnect", "reload"})
    for action, colour in zip(actions, itertools.cycle(qualitative.D3), strict=False):
        mine = [r for r in rows if r.action == action and r.p95 is not None]
        x = [r.level for r in mine]
        for q, dash in (("p95", "solid"), ("p50", "dash")):
            fig.add_scatter(
                x=x,
                y=[getattr(r, q) for r in mine],
                name=f"{action} {q}",
                mode="lines+markers",
                line={"dash": dash, "color": colour},
                legendgroup=action,
                hovertemplate="%{x} sessions: %{y:.3f} s<extra>" + f"{action} {q}</extra>",
                row=1,
                col=1,
            )
    fig.update_yaxes(title_text="latency (s)", rangemode="tozero", row=1, col=1)
    fig.add_hline(
        y=TARGET_P95,
        line={"dash": "dot", "color": "#555"},
        annotation_text=f"target: p95 ≤ {TARGET_P95:g} s",
        annotation_position="top left",
        row=1,
        col=1,
    )
    if resources:
        x = [r.level for r in resources]
        fig.add_bar(
            x=x,
            y=[r.rss_mb_peak for r in resources],
            name="server RSS peak (MB)",
            marker_color="#bbbbbb",
            opacity=0.5,
            row=2,
            col=1,
        )
        fig.add_scatter(
            x=x,
            y=[r.cpu_pct for r in resources],
            name="server CPU (% of a core)",
            line_color="#222222",
            mode="lines+markers",
            row=2,
            col=1,
            secondary_y=True,
        )
        fig.update_yaxes(title_text="RSS (MB)", row=2, col=1)
        fig.update_yaxes(
            title_text="CPU %", secondary_y=True, range=[0, 105], dtick=25, row=2, col=1
        )
    fig.update_xaxes(title_text="concurrent sessions", row=2 if resources else 1, col=1)
    fig.update_layout(title=title or "Action latency against concurrent sessions", height=700)
    return fig


def save_figure(fig, path: Path) -> list[Path]:
    """HTML always; a PNG beside it when kaleido is installed. Returns the files written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    html = path.with_suffix(".html")
    fig.write_html(html, include_plotlyjs="directory")  # plotly.min.js beside it: offline
    written = [html]
    try:
        fig.write_image(path.with_suffix(".png"), width=1100, height=700)
        written.append(path.with_suffix(".png"))
    except (ImportError, ValueError, RuntimeError):
        pass  # kaleido (and its Chromium) not installed: the HTML has the same chart
    return written
