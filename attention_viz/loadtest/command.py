"""`python -m attention_viz loadtest ...`: one load run, or a sweep of levels."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from attention_viz.loadtest.limits import DEFAULT_PAGES, MAX_SECONDS, MAX_SESSIONS, PAGES


def add_parser(sub) -> None:
    """Add the `loadtest` command to the CLI's subparsers."""
    c = sub.add_parser(
        "loadtest",
        help="simulate students on a running app (loopback only) and time their actions",
        description="Each session is a browser tab speaking Streamlit's websocket protocol: it "
        "opens a page, then repeats the page's action with 2-5 s of think time.",
    )
    c.add_argument("--url", default="http://127.0.0.1:8501", help="the app (loopback only)")
    c.add_argument("--sessions", type=int, default=5, help=f"tabs at once (1-{MAX_SESSIONS})")
    c.add_argument("--seconds", type=float, default=30, help=f"per level (1-{MAX_SECONDS})")
    c.add_argument(
        "--pages",
        default=",".join(DEFAULT_PAGES),
        help=f"comma-separated, dealt to sessions in turn; of {', '.join(PAGES)}",
    )
    c.add_argument("--seed", type=int, default=0, help="think times, values typed, pages' URLs")
    c.add_argument("--timeout", type=float, default=30, help="seconds before an action fails")
    c.add_argument("--csv", type=Path, default=None, help="write the table (and events) here")
    c.add_argument("--plot", type=Path, default=None, help="latency-vs-sessions chart (.html)")
    c.add_argument(
        "--sweep",
        default=None,
        metavar="LEVELS",
        help="e.g. 1,5,10,20,30,50: start a server on --url's port (or measure --server-pid) "
        "and run each level for --seconds, recording the server's RSS and CPU",
    )
    c.add_argument(
        "--train",
        type=int,
        default=None,
        metavar="STEPS",
        help="also one tab that trains date-attention live on the date page with this step "
        "budget (10-2000) while the others act: what a live training costs the room",
    )
    c.add_argument("--server-pid", type=int, default=None, help="the running server to sample")
    c.add_argument(
        "--replot",
        type=Path,
        default=None,
        metavar="CSV",
        help="run nothing: print the table of an earlier --csv and draw it with --plot",
    )
    c.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment of the server a sweep starts (e.g. ATTENTION_VIZ_THREADS=1)",
    )
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from attention_viz.loadtest import report
    from attention_viz.loadtest.runner import run_load
    from attention_viz.loadtest.sweep import sweep

    if args.replot is not None:
        rows, resources = report.read_summary(args.replot)
        print(report.table(rows, resources))
        for path in report.save_figure(report.figure(rows, resources), args.plot or args.replot):
            print(f"wrote {path}")
        return 0
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    started = time.monotonic()
    resources = []
    if args.sweep:
        try:
            levels = [int(x) for x in args.sweep.split(",")]
        except ValueError:
            raise ValueError(
                f"--sweep takes whole numbers, e.g. 1,5,10; got {args.sweep!r}"
            ) from None
        env = dict(kv.split("=", 1) for kv in args.server_env if "=" in kv)
        events, resources = sweep(
            args.url, levels, args.seconds, pages, args.seed, args.server_pid, env,
            train_steps=args.train,
        )  # fmt: skip
    else:
        events = run_load(
            args.url, args.sessions, args.seconds, pages, seed=args.seed, timeout=args.timeout,
            train_steps=args.train,
        )  # fmt: skip
    rows = report.summarize(events)
    print(report.table(rows, resources))
    errors = sum(r.errors for r in rows)
    print(f"{len(events)} runs, {errors} errors, {time.monotonic() - started:.0f} s")
    if args.csv:
        report.write_summary(rows, resources, args.csv)
        report.write_events(events, args.csv.with_name(args.csv.stem + "-events.csv"))
        print(f"wrote {args.csv} and {args.csv.stem}-events.csv")
    if args.plot:
        for path in report.save_figure(report.figure(rows, resources), args.plot):
            print(f"wrote {path}")
    return 1 if errors else 0
