"""deploy/: the nginx templates pass `nginx -t`, gunicorn's settings, the systemd units, the
compose file, and the production settings a loopback smoke test may turn off."""

from __future__ import annotations

import importlib
import os
import runpy
import shutil
import subprocess
import time
import urllib.error
import urllib.request
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


def loopback_conf(tmp_path: Path, *, upstream: str = "127.0.0.1:8001", port: int = 8080) -> Path:
    for name in ("static", "media"):
        (tmp_path / name).mkdir(exist_ok=True)
    return nginx_config.write_loopback(
        tmp_path / "nginx",
        port=port,
        upstream=upstream,
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
    )


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
        "location ^~ /media/documents/",
    ):
        assert directive in site
    assert nginx_config.BLANK.search(site) is None


@needs_nginx
def test_the_loopback_configuration_passes_nginx_t(tmp_path):
    result = nginx_test(loopback_conf(tmp_path))

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
    }
    assert "listen 443 ssl http2;" in (etc / "sites-available" / "clinic-portal").read_text()


@needs_nginx
def test_nginx_answers_503_with_the_urgent_advice_while_gunicorn_is_down(tmp_path):
    nothing_there = free_port()
    port = free_port()
    main = loopback_conf(tmp_path, upstream=f"127.0.0.1:{nothing_there}", port=port)
    nginx = subprocess.Popen(
        nginx_config.nginx_command(main), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
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
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)

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
