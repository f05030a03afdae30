"""The load generator's bounds and page names; no Streamlit import (the CLI's help reads them)."""

MAX_SESSIONS = 200
MAX_SECONDS = 1800
PAGES = ("kernel", "dates", "translation", "transformer", "captioning", "memory")
DEFAULT_PAGES = ("kernel", "dates", "translation")  # a lecture on the design card's models
