"""Production's reverse proxy (deploy/nginx.conf.template, the "proxy" service of docker-compose.yml) in front of
the shipped server running the production settings (issue 15, items 2 and 11).

nginx (Debian's, as the compose file's nginx image runs it) renders the template as the image would and proxies
to Granian. Checked: TLS ends at nginx, plain HTTP is redirected, the application adds HSTS over HTTPS; twenty
clients that declare a body and send it a byte a second (or nothing) cost nginx a connection each and never
reach the application, which keeps answering at once (its own body time limit is set far off, so nothing but
the proxy protects it here).
"""

import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests
import urllib3

from runtime.netutil import free_port, wait_until_up
from tests.test_serve import (
    _server,
    city,  # noqa: F401 (fixture)
)
from tests.test_slow_clients import SLOW_CLIENTS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
CAPABILITIES = "/mapproxy/service?SERVICE=WMS&REQUEST=GetCapabilities"

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def render(template: str, values: dict[str, str]) -> str:
    """What the nginx image does with /etc/nginx/templates/*.template: ${NAME} of its environment put in."""
    return re.sub(r"\$\{(PROXY_[A-Z_]+)\}", lambda m: values[m[1]], template)


@pytest.fixture
def proxied(tmp_path, django_db_blocker, city):  # noqa: F811
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(nginx), "nginx (Debian package) is installed by scripts/system-deps.sh"
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production", "ARDH_SECRET_KEY": "proxy-test-" + "x" * 50,
        "ARDH_DB_PASSWORD": "unused-on-the-socket", "ARDH_ALLOWED_HOSTS": "127.0.0.1",
        "ARDH_REQUEST_BODY_TIMEOUT_S": "3600",
    }
    with django_db_blocker.unblock(), _server(**production) as app, _server(
            application="tiles.mapproxy_wsgi:application", ready_path=CAPABILITIES, **production,
            ARDH_MAPPROXY_SOURCE_URL=app, ARDH_MAPPROXY_DIR=str(tmp_path / "mapproxy")) as mapproxy:
        http_port, https_port = free_port(), free_port()
        site = render(TEMPLATE.read_text(), {
            "PROXY_UPSTREAM": app.removeprefix("http://"),
            "PROXY_MAPPROXY_UPSTREAM": mapproxy.removeprefix("http://"), "PROXY_HTTP_PORT": f"127.0.0.1:{http_port}",
            "PROXY_HTTPS_PORT": f"127.0.0.1:{https_port}", "PROXY_TLS_CERT": str(cert), "PROXY_TLS_KEY": str(key),
        })
        (tmp_path / "logs").mkdir()
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            f"worker_processes 1;\nerror_log {tmp_path}/logs/error.log;\npid {tmp_path}/nginx.pid;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n access_log {tmp_path}/logs/access.log;\n client_body_temp_path {tmp_path}/body;\n"
            f" proxy_temp_path {tmp_path}/proxy;\n{site}\n}}\n"
        )
        proc = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_until_up(http_port, "/healthz", proc, timeout=30)
            yield {"https": f"https://127.0.0.1:{https_port}", "http": f"http://127.0.0.1:{http_port}",
                   "https_port": https_port, "app": app}
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_tls_ends_at_the_proxy_and_the_application_adds_hsts(proxied, city):  # noqa: F811
    plain = requests.get(proxied["http"] + "/healthz", allow_redirects=False, timeout=30)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    secure = requests.get(proxied["https"] + "/healthz", verify=False, timeout=30)
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # The application behind it redirects a plain-HTTP request that did not come through the proxy (but not the
    # health check of the compose network).
    direct = requests.get(proxied["app"] + "/ogc/", allow_redirects=False, timeout=30)
    assert direct.status_code == 301 and direct.headers["Location"].startswith("https://")
    assert requests.get(proxied["app"] + "/healthz", allow_redirects=False, timeout=30).status_code == 200
    # Nor MapProxy's source, the raster tiles it fetches from the app itself over plain HTTP.
    ortho = requests.get(proxied["app"] + "/tiles/ortho/3/5/3.png", allow_redirects=False, timeout=30)
    assert ortho.status_code != 301
    items = requests.get(proxied["https"] + "/ogc/collections/parcels/items", verify=False, timeout=30,
                         headers={"Authorization": f"Api-Key {city['token']}"})
    assert items.status_code == 200 and len(items.json()["features"]) == len(city["parcels"])
    assert all(link["href"].startswith("https://") for link in items.json()["links"])


def test_slow_bodies_cost_the_proxy_a_connection_not_the_application_a_thread(proxied, city):  # noqa: F811
    parcel = city["parcels"][0].geom.point_on_surface
    at_point = f"/api/v1/at-point/?lon={parcel.x}&lat={parcel.y}"
    auth = {"Authorization": f"Api-Key {city['token']}"}
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    head = (f"POST /api/v1/parcels/intersecting/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Api-Key {city['token']}"
            "\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{").encode()
    slow = []
    try:
        for _ in range(SLOW_CLIENTS):
            s = context.wrap_socket(socket.create_connection(("127.0.0.1", proxied["https_port"]), timeout=10))
            s.sendall(head)
            slow.append(s)
        for second in range(3):
            time.sleep(1)
            for s in slow[: SLOW_CLIENTS // 2]:  # half send a byte a second, half nothing more
                s.sendall(b" ")
            started = time.monotonic()
            health = requests.get(proxied["https"] + "/healthz", verify=False, timeout=30)
            at = requests.get(proxied["https"] + at_point, headers=auth, verify=False, timeout=30)
            assert health.status_code == 200 and at.status_code == 200, (second, health.text, at.text)
            assert time.monotonic() - started < 5, "the application was kept waiting"
    finally:
        for s in slow:
            s.close()


def test_mapproxy_is_a_server_of_its_own_behind_the_proxy(proxied):
    """/mapproxy/ reaches MapProxy's own server (tiles/mapproxy_wsgi.py, compose service "mapproxy"), which draws
    from the app's raster tiles over plain HTTP inside the deployment."""
    caps = requests.get(proxied["https"] + CAPABILITIES, verify=False, timeout=30)
    assert caps.status_code == 200 and b"WMS_Capabilities" in caps.content
    assert b"/mapproxy/service" in caps.content  # its own addresses keep the path the proxy serves it under
    image = requests.get(proxied["https"] + "/mapproxy/wmts/ortho/webmercator/3/5/3.png", verify=False, timeout=60)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png", image.text[:300]
    bad = requests.get(proxied["https"] + "/mapproxy/%5Cetc", verify=False, timeout=30)
    assert bad.status_code == 400

