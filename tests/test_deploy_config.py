"""deploy/: the nginx templates pass `nginx -t`, nginx believes a load balancer about the
client's address and scheme only when told to trust it, gunicorn's settings, the systemd
units, the compose file, and the production settings a loopback smoke test may turn off."""

from __future__ import annotations

import importlib
import json
import os
import runpy
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from deploy import nginx_config
from deploy.launch import free_port
from tests.page_checks import assert_accessible_page

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEPLOY = PROJECT_DIR / "deploy"
needs_nginx = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")


def nginx_test(main_conf: Path) -> subprocess.CompletedProcess:
    command = nginx_config.nginx_command(main_conf, "-t")
    command.remove("daemon off;")
    command.remove("-g")
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def loopback_conf(
    tmp_path: Path,
    *,
    upstream: str = "127.0.0.1:8001",
    port: int = 8080,
    trusted_balancers: tuple[str, ...] = (),
) -> Path:
    for name in ("static", "media"):
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
    return nginx_config.write_loopback(
        tmp_path / "nginx",
        port=port,
        upstream=upstream,
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        trusted_balancers=trusted_balancers,
    )


def directives(conf: str) -> list[str]:
    """A configuration's lines without comments, blank lines or indentation."""
    lines = (line.strip() for line in conf.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@contextmanager
def running_nginx(main_conf: Path) -> Iterator[None]:
    nginx = subprocess.Popen(
        nginx_config.nginx_command(main_conf), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


class EchoHeaders(BaseHTTPRequestHandler):
    """Stands in for gunicorn: answers with the headers nginx passed on, as JSON."""

    def do_GET(self) -> None:
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002  (the base's name)
        pass


@contextmanager
def header_echo() -> Iterator[str]:
    """An upstream on loopback that echoes the request's headers; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHeaders)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def headers_passed_on(port: int, **sent: str) -> dict[str, str]:
    """What the app is told when a request with these headers reaches nginx from 127.0.0.1."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers=sent)
    for _ in range(50):
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return json.loads(response.read())
        except urllib.error.URLError:
            time.sleep(0.1)  # nginx still starting
    raise AssertionError("nginx did not answer")


# --- nginx ------------------------------------------------------------------------------


def test_rendering_refuses_a_blank_left_unfilled_or_a_value_for_no_blank():
    template = "listen ${NGINX_LISTEN}; proxy_set_header Host $http_host;"

    assert nginx_config.render(template, {"NGINX_LISTEN": "80"}) == (
        "listen 80; proxy_set_header Host $http_host;"
    )
    with pytest.raises(nginx_config.TemplateError, match="NGINX_LISTEN"):
        nginx_config.render(template, {})
    with pytest.raises(nginx_config.TemplateError, match="NGINX_PORT"):
        nginx_config.render(template, {"NGINX_LISTEN": "80", "NGINX_PORT": "80"})


def test_the_site_buffers_both_ways_and_cuts_off_clients_that_stall(tmp_path):
    site = (loopback_conf(tmp_path).parent / "clinic-portal.conf").read_text()

    for directive in (
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "send_timeout 10s;",
        "client_max_body_size 25m;",
        "proxy_next_upstream off;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Forwarded-Proto $clinic_portal_forwarded_proto;",
        "location ^~ /media/documents/",
    ):
        assert directive in site
    assert nginx_config.BLANK.search(site) is None


# --- Load balancers in front -------------------------------------------------------------


def test_without_a_trusted_balancer_nginx_believes_nothing_a_client_sends(tmp_path):
    balancers = (loopback_conf(tmp_path).parent / "balancers.conf").read_text()

    written = directives(balancers)
    assert not [line for line in written if line.startswith("set_real_ip_from")]
    # The geo that says a connection comes from a trusted balancer: never.
    geo = "geo $realip_remote_addr $clinic_portal_from_balancer { default 0; }"
    assert geo in " ".join(written)
    # compose.yaml mounts the same, rendered once.
    assert nginx_config.NO_BALANCER.read_text() == balancers


def test_trusted_balancers_are_written_as_real_ip_sources_and_as_the_proto_check(tmp_path):
    main = loopback_conf(tmp_path, trusted_balancers=("10.0.0.0/24", " 10.0.1.5", "2001:db8::/64"))
    balancers = (main.parent / "balancers.conf").read_text()

    for line in (
        "set_real_ip_from 10.0.0.0/24;",
        "set_real_ip_from 10.0.1.5/32;",
        "set_real_ip_from 2001:db8::/64;",
        "real_ip_header X-Forwarded-For;",
        "real_ip_recursive on;",
        "10.0.0.0/24 1;",
        "10.0.1.5/32 1;",
        "2001:db8::/64 1;",
        '"1:https" https;',
        "default $scheme;",
    ):
        assert line in directives(balancers), line
    site = (main.parent / "clinic-portal.conf").read_text()
    assert f"include {main.parent / 'balancers.conf'};" in site


@pytest.mark.parametrize("address", ["10.0.0.1; include /etc/shadow", "balancer.internal", ""])
def test_a_trusted_balancer_that_is_not_an_address_is_refused(tmp_path, address):
    with pytest.raises(nginx_config.TemplateError, match="not an address"):
        loopback_conf(tmp_path, trusted_balancers=(address,))


def test_the_command_line_takes_the_balancers_comma_separated(tmp_path):
    out = tmp_path / "balancers.conf"
    nginx_config.main(
        ["balancers", "--trusted-balancers", "10.0.0.5,10.0.1.0/24", "--out", str(out)]
    )

    assert out.read_text() == nginx_config.render_balancers(["10.0.0.5", "10.0.1.0/24"])


@needs_nginx
def test_from_a_trusted_balancer_the_app_is_told_the_client_and_the_scheme_it_used(tmp_path):
    port = free_port()
    with header_echo() as upstream:
        main = loopback_conf(
            tmp_path, upstream=upstream, port=port, trusted_balancers=("127.0.0.1",)
        )
        with running_nginx(main):
            plain = headers_passed_on(port, **{"X-Forwarded-For": "203.0.113.7"})
            # The client wrote its own X-Forwarded-For; the balancer added what it saw.
            forged = headers_passed_on(
                port,
                **{"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https"},
            )
            odd = headers_passed_on(port, **{"X-Forwarded-Proto": "gopher"})

    assert (plain["X-Forwarded-For"], plain["X-Forwarded-Proto"]) == ("203.0.113.7", "http")
    assert (forged["X-Forwarded-For"], forged["X-Forwarded-Proto"]) == ("203.0.113.7", "https")
    assert (odd["X-Forwarded-For"], odd["X-Forwarded-Proto"]) == ("127.0.0.1", "http")


@needs_nginx
def test_from_anywhere_else_the_headers_are_nginxs_own_whatever_was_sent(tmp_path):
    port = free_port()
    sent = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    with header_echo() as upstream:
        untrusting = loopback_conf(tmp_path / "none", upstream=upstream, port=port)
        with running_nginx(untrusting):
            alone = headers_passed_on(port, **sent)
        other = loopback_conf(
            tmp_path / "other", upstream=upstream, port=port, trusted_balancers=("192.0.2.0/24",)
        )
        with running_nginx(other):
            elsewhere = headers_passed_on(port, **sent)

    for told in (alone, elsewhere):
        assert (told["X-Forwarded-For"], told["X-Forwarded-Proto"]) == ("127.0.0.1", "http")


@needs_nginx
@pytest.mark.parametrize("trusted_balancers", [(), ("10.0.0.0/24", "2001:db8::/64")])
def test_the_loopback_configuration_passes_nginx_t(tmp_path, trusted_balancers):
    result = nginx_test(loopback_conf(tmp_path, trusted_balancers=trusted_balancers))

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@needs_nginx
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_production_site_with_tls_and_the_redirect_pass_nginx_t(tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=clinic.example", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    etc = tmp_path / "etc"
    written = nginx_config.write_production(
        etc,
        server_name="clinic.example",
        upstream="127.0.0.1:8001",
        static_root=Path("/srv/clinic-portal/static"),
        media_root=Path("/srv/clinic-portal/media"),
        certificate=certificate,
        certificate_key=key,
        trusted_balancers=["10.0.0.0/24"],
    )
    # Debian's nginx.conf, cut to what matters: the http block includes the sites.
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {etc}/sites-available/*; }}\n"
    )

    result = nginx_test(main)

    assert result.returncode == 0, result.stderr
    assert {path.name for path in written} == {
        "clinic-portal",
        "clinic-portal-redirect",
        "clinic-portal-tls.conf",
        "clinic-portal-balancers.conf",
    }
    site = (etc / "sites-available" / "clinic-portal").read_text()
    assert "listen 443 ssl http2;" in site
    assert f"include {etc}/snippets/clinic-portal-balancers.conf;" in site
    balancers = (etc / "snippets" / "clinic-portal-balancers.conf").read_text()
    assert "set_real_ip_from 10.0.0.0/24;" in balancers


@needs_nginx
def test_nginx_answers_503_with_the_urgent_advice_while_gunicorn_is_down(tmp_path):
    nothing_there = free_port()
    port = free_port()
    main = loopback_conf(tmp_path, upstream=f"127.0.0.1:{nothing_there}", port=port)
    with running_nginx(main):
        response = None
        for _ in range(50):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/my/check-in/", timeout=2)
            except urllib.error.HTTPError as error:
                response = error
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        assert response is not None, "nginx did not start"
        body = response.read().decode()

    assert response.code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "call 999 or go to your nearest emergency department now" in body
    assert_accessible_page(body)


# --- gunicorn ---------------------------------------------------------------------------


def load_gunicorn_conf(monkeypatch, cpus: int, **env: str) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (8, 17)])
def test_gunicorn_runs_two_sync_workers_per_cpu_plus_one(monkeypatch, cpus, workers):
    conf = load_gunicorn_conf(monkeypatch, cpus)

    assert conf["workers"] == workers
    assert conf["worker_class"] == "sync"
    assert conf["wsgi_app"] == "config.wsgi:application"
    assert conf["bind"] == "127.0.0.1:8001"
    assert conf["timeout"] == 30


def test_gunicorn_takes_its_address_workers_and_timeout_from_the_environment(monkeypatch):
    conf = load_gunicorn_conf(
        monkeypatch, 2, GUNICORN_BIND="0.0.0.0:9000", GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="20"
    )

    assert (conf["bind"], conf["workers"], conf["timeout"]) == ("0.0.0.0:9000", 3, 20)


# --- systemd and compose ----------------------------------------------------------------


def unit(name: str) -> dict[str, list[str]]:
    """KEY -> values of a systemd unit (a key may repeat)."""
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("clinic-portal-web.service", "gunicorn -c deploy/gunicorn.conf.py"),
        ("clinic-portal-worker.service", "manage.py run_worker --queue-name ${WORKER_QUEUES}"),
    ],
)
def test_systemd_always_restarts_the_web_and_the_worker_and_never_gives_up(name, command):
    values = unit(name)

    assert command in values["ExecStart"][0]
    assert values["Restart"] == ["always"]
    assert values["StartLimitIntervalSec"] == ["0"]
    assert values["RestartMaxDelaySec"] == ["60s"]
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in values["Environment"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_finds_nothing_wrong_with_the_units_but_paths_of_a_real_server():
    units = sorted(str(path) for path in (DEPLOY / "systemd").glob("*.service"))
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60
    )
    # Here /srv/clinic-portal does not exist, and systemd older than 254 does not know the
    # growing restart delay (it ignores those two keys).
    expected = ("is not executable", "Unknown key 'RestartSteps'", "Unknown key 'RestartMaxDelay")
    problems = [
        line for line in result.stderr.splitlines() if line and not any(e in line for e in expected)
    ]
    assert problems == []


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_web_worker_postgresql_redis_and_nginx_each_restarted():
    services = compose()["services"]

    assert {"web", "worker", "db", "redis", "nginx", "migrate"} == set(services)
    for name in ("web", "worker", "db", "redis", "nginx"):
        assert services[name]["restart"] == "always", name
    assert services["migrate"]["restart"] == "no"
    assert services["worker"]["command"][:3] == ["python", "manage.py", "run_worker"]
    assert services["web"]["command"] == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    # Only nginx is published; gunicorn is reached through it.
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]


def test_compose_starts_each_service_after_what_it_needs_and_checks_their_health():
    services = compose()["services"]
    conditions = {"service_started", "service_healthy", "service_completed_successfully"}

    for name, service in services.items():
        for needed, how in service.get("depends_on", {}).items():
            assert needed in services, name
            assert how["condition"] in conditions, name
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in ("db", "redis", "web", "nginx"):
        assert services[name]["healthcheck"]["test"][0] == "CMD", name


def test_compose_mounts_files_that_exist_and_the_same_nginx_template():
    services = compose()["services"]
    mounted = [
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if volume.startswith("./")
    ]

    assert "./nginx/clinic-portal.conf.template" in mounted
    for source in mounted:
        assert (DEPLOY / source).exists(), source
    assert (DEPLOY / "Dockerfile").exists()
    nginx_env = services["nginx"]["environment"]
    template = (DEPLOY / "nginx" / "clinic-portal.conf.template").read_text()
    # The image's envsubst fills every blank the template has, as deploy.nginx_config does.
    assert set(nginx_config.BLANK.findall(template)) <= set(nginx_env)


# --- production settings for a loopback smoke test --------------------------------------

SMOKE_SWITCHES = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


def production_settings(monkeypatch, **env: str):
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "clinic.example")
    for name in (*SMOKE_SWITCHES, "EMAIL_BACKEND", "STATIC_ROOT", "WAGTAILADMIN_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(importlib.import_module("config.settings.production"))


def test_production_keeps_https_secure_cookies_and_smtp_unless_told_otherwise(monkeypatch):
    production = production_settings(monkeypatch)

    assert production.SECURE_SSL_REDIRECT is True
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"


def test_production_can_be_told_plain_http_and_console_email_for_a_smoke_test(monkeypatch):
    console = "django.core.mail.backends.console.EmailBackend"
    production = production_settings(
        monkeypatch,
        **dict.fromkeys(SMOKE_SWITCHES, "false"),
        EMAIL_BACKEND=console,
        STATIC_ROOT="/srv/clinic-portal/static",
    )

    assert production.SECURE_SSL_REDIRECT is False
    assert production.SESSION_COOKIE_SECURE is False
    assert production.CSRF_COOKIE_SECURE is False
    assert {production.EMAIL_BACKEND, str(production.STATIC_ROOT)} == {
        console,
        "/srv/clinic-portal/static",
    }


def test_probes_answer_over_plain_http_where_every_page_redirects_to_https(
    monkeypatch, settings, client
):
    production = production_settings(monkeypatch)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT

    assert client.get("/healthz").status_code == 200
    page = client.get("/accounts/login/")
    assert page.status_code == 301
    assert page["Location"] == "https://testserver/accounts/login/"
