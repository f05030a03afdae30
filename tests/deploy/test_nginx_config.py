"""The nginx config the replicas script writes: affinity, websocket upgrade, nginx -t."""

from __future__ import annotations

import pytest

from attention_viz.deploy.nginx import AFFINITY_COOKIE, Nginx, find_nginx, render


def test_the_config_pins_browsers_by_cookie_and_upgrades_websockets(tmp_path):
    text = render(tmp_path, "127.0.0.1:8680", ["127.0.0.1:8627", "127.0.0.1:8628"])
    assert "hash $affinity consistent;" in text
    assert f"map $cookie_{AFFINITY_COOKIE} $affinity" in text
    assert "add_header Set-Cookie $affinity_cookie always;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert "proxy_set_header Host $http_host;" in text  # Streamlit's same-origin check
    assert "proxy_read_timeout 1h;" in text
    assert text.count("max_fails=1") == 2 and "listen 127.0.0.1:8680;" in text
    assert "X-Upstream" not in render(tmp_path, "127.0.0.1:1", ["a:1"], expose_upstream=False)


def test_nginx_accepts_the_config(tmp_path):
    if find_nginx() is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    config = render(tmp_path, "127.0.0.1:8680", ["127.0.0.1:8627", "127.0.0.1:8628"])
    Nginx(tmp_path, config).check()  # nginx -t, as the user running the tests
