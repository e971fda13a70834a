"""Web processes on loopback that share one database and one Redis, as web machines behind a
load balancer do, and browsers that talk to whichever one they are sent to.

    database = migrated_copy(tmp_path)
    env = web_env(database, redis_url=..., key_prefix=...)
    run_manage(["shell", "-c", "..."], env)
    with web_processes(2, env, tmp_path) as (first, second):
        browser = Browser()
        browser.get(first.url + "/accounts/login/")

Each process is gunicorn with one sync worker under ``tests/multi_machine_web_settings.py``
(production's settings, plain HTTP on loopback). The database is a copy of a migrated SQLite
file kept in ``.pytest_cache/multi-machine/``, made again whenever a migration changes
(migrating takes about 20 s). Cookies are not per port, so one browser's cookies reach
every process on 127.0.0.1, and a browser names one host (``SITE_HOST``) to all of them, as
it would to every machine behind a load balancer.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

from tests.multi_machine_settings import VARIABLES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / ".pytest_cache" / "multi-machine"
SETTINGS_MODULE = "tests.multi_machine_web_settings"
START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 15.0
# The host name browsers ask for, whichever process answers (the page cache keys on it).
SITE_HOST = "clinic.test"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Loopback over plain HTTP: what production would refuse there is turned off.
LOOPBACK_ENV = {
    "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
    "SECRET_KEY": "multi-machine-test-key-" + "k" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,clinic.test",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
# Taken from the shell by no process here.
UNINHERITED = ("DATABASE_URL", "MIGRATION_DATABASE_URL", *VARIABLES)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def web_env(database: Path, **env: str) -> dict[str, str]:
    """The environment of every process of one set-up: the shell's, without anything that
    would point it elsewhere, then loopback production on ``database`` and ``env``."""
    inherited = {name: value for name, value in os.environ.items() if name not in UNINHERITED}
    return {
        **inherited,
        **LOOPBACK_ENV,
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(database.parent / "media"),
        **env,
    }


def run_manage(args: list[str], env: dict[str, str]) -> str:
    """``manage.py`` with ``args`` under ``env``; its output, or AssertionError with it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _migrations_digest() -> str:
    """Changes whenever any installed app's migrations do."""
    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        for path in sorted(Path(config.path).glob("migrations/*.py")):
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def migrated_copy(directory: Path) -> Path:
    """A migrated SQLite database in ``directory``, copied from the kept template (made
    first when missing or out of date)."""
    template = TEMPLATES / f"migrated-{_migrations_digest()}.sqlite3"
    if not template.exists():
        TEMPLATES.mkdir(parents=True, exist_ok=True)
        for old in TEMPLATES.glob("migrated-*.sqlite3"):
            old.unlink()
        building = TEMPLATES / f"building-{os.getpid()}.sqlite3"
        run_manage(["migrate", "--noinput", "-v", "0"], web_env(building))
        building.rename(template)
    copy = directory / "db.sqlite3"
    shutil.copyfile(template, copy)
    return copy


@dataclass(frozen=True)
class WebProcess:
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _wait_until_answering(process: subprocess.Popen, web: WebProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with suppress(OSError), urllib.request.urlopen(web.url + "/healthz", timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{web.url} did not start:\n{web.log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def _web_process(env: dict[str, str], directory: Path, number: int) -> Iterator[WebProcess]:
    web = WebProcess(port=free_port(), log=directory / f"web-{number}.log")
    command = [
        *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
        *("--bind", f"127.0.0.1:{web.port}", "--workers", "1", "--timeout", "60"),
    ]
    with web.log.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _wait_until_answering(process, web)
        yield web
    finally:
        _stop(process)


@contextmanager
def web_processes(count: int, env: dict[str, str], directory: Path) -> Iterator[list[WebProcess]]:
    """``count`` web processes on free loopback ports, stopped when the block ends."""
    with ExitStack() as stack:
        yield [stack.enter_context(_web_process(env, directory, n)) for n in range(count)]


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One browser: its own cookies, the site's host name, redirects left for the test to
    look at."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self._opener.open(request, timeout=30) as answer:
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as answer:
            return Response(answer.code, dict(answer.headers), answer.read().decode())

    def get(self, url: str) -> Response:
        return self._open(urllib.request.Request(url, headers={"Host": SITE_HOST}))

    def post_form(self, page_url: str, action_url: str, fields: dict[str, str]) -> Response:
        """Submit a form as a browser would: the CSRF token from the page that shows it."""
        page = self.get(page_url)
        token = CSRF_FIELD.search(page.text)
        assert token is not None, f"no form on {page_url} ({page.status})"
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], **fields}).encode()
        return self._open(
            urllib.request.Request(action_url, data=data, headers={"Host": SITE_HOST})
        )

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)
