"""md_escape: user text inside markdown reads exactly as typed and carries no markup."""

import re
import string

from apptest_helpers import shown
from test_app_hostile_input import HOSTILE

from attention_viz.ui.widgets import md_escape

SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:&=")


def test_escaped_text_reads_as_typed_and_has_no_bare_special_character():
    texts = [*HOSTILE, string.punctuation, "a\n===", ":red[x] :smile: :material/home:", "a_b*c"]
    for text in texts:
        escaped = md_escape(text)
        assert shown(escaped) == text
        bare = re.sub(r"\\.", "", escaped, flags=re.S)  # drop every escaped pair
        assert not SPECIAL & set(bare), (text[:40], SPECIAL & set(bare))
