"""A load generator that drives the app's real server the way browsers do.

protocol   Streamlit's websocket protocol: cookies, subprotocols, BackMsg/ForwardMsg, reconnect
session    one browser tab: its widgets and query string, timed script runs, reconnects
actions    what a student does on each page (move the bandwidth, type a date, ...)
runner     a room of tabs with think time, bounded in sessions and seconds
report     percentiles per action, the table, the CSV and the latency-vs-sessions chart
sweep      levels of sessions against one server, with its memory and CPU
command    the `loadtest` command line

Nothing here is imported by the app; `python -m attention_viz loadtest --help`.
"""
