"""XSRF protection stays on: in the effective configuration (the project's
.streamlit/config.toml over Streamlit's defaults) and on the real server, whose upload
endpoint refuses a request without the token."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import pytest
from server_control import ROOT, AppServer

READ_CONFIG = """
import json
from streamlit import config
config.get_config_options(force_reparse=True)
print(json.dumps({k: config.get_option(k) for k in (
    "server.enableXsrfProtection", "server.enableCORS", "server.maxUploadSize",
    "client.showErrorDetails")}))
"""


def test_the_effective_config_keeps_xsrf_on():
    out = subprocess.run(
        [sys.executable, "-c", READ_CONFIG], cwd=ROOT, capture_output=True, text=True, check=True
    )
    options = json.loads(out.stdout.strip().splitlines()[-1])
    assert options["server.enableXsrfProtection"] is True
    assert options["server.enableCORS"] is True
    assert options["server.maxUploadSize"] == 2
    assert options["client.showErrorDetails"] == "none"


def _upload(url: str, method: str, headers: dict[str, str], opener=None) -> int:
    body = b"--b\r\nContent-Disposition: form-data; name=file; filename=a.txt\r\n\r\nx\r\n--b--\r\n"
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Content-Type": "multipart/form-data; boundary=b", **headers},
    )
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.fixture(scope="module")
def server():
    with AppServer() as s:
        yield s


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_an_upload_without_the_token_is_refused(server, method):
    url = f"{server.url}/_stcore/upload_file/some-session/some-file"
    status = _upload(url, method, {})
    assert status in (403, 405) if method == "POST" else status == 403
    if method == "PUT":
        # Control: with the cookie and the matching header the XSRF check passes and the
        # request fails later, on the unknown session (so the 403 above is the XSRF check).
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{server.url}/_stcore/health", timeout=30).read()  # sets the cookie
        token = {c.name: c.value for c in jar}.get("_streamlit_xsrf")
        assert token, "the server set no XSRF cookie"
        assert _upload(url, "PUT", {"X-Xsrftoken": token}, opener) == 400
