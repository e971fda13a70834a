"""Start the production stack on loopback: nginx → gunicorn → Django, and the task worker.

    .venv/bin/python -m deploy.run_local --nginx-port 8080 --app-port 8001
        [--database-url postgres://postgres@127.0.0.1:5432/clinic_smoke] [--redis-url URL]
        [--workers N] [--no-worker] [--seed-demo] [--state-dir DIR] [--skip-setup] [--check]

Production settings (``config.settings.production``) with the environment a loopback test
needs: plain HTTP (``SECURE_SSL_REDIRECT``, ``SESSION_COOKIE_SECURE`` and
``CSRF_COOKIE_SECURE`` off), emails to the worker's log (``EMAIL_BACKEND``), hosts 127.0.0.1
and localhost, a random ``SECRET_KEY``. Any of these already set in the environment wins.

Everything it writes goes to a state folder (a new temporary one unless ``--state-dir``):
the SQLite database unless ``--database-url``, collected static files, media, the rendered
nginx configuration (deploy/nginx/, the same templates as a server) and the logs
(``gunicorn.log``, ``worker.log``, ``nginx-error.log``, ``nginx-access.log``).

Setup (unless ``--skip-setup``): ``migrate``, ``collectstatic``, and ``seed_demo --force``
with ``--seed-demo``. Then it starts gunicorn (deploy/gunicorn.conf.py) on ``--app-port``,
``manage.py run_worker`` and nginx on ``--nginx-port``, waits until ``/healthz`` answers
through both ports, and prints one line starting ``READY`` (with gunicorn's process id). It
runs until interrupted (Ctrl-C or SIGTERM), then stops them all; with ``--check`` it fetches
a few pages through nginx instead, prints what they answered and stops (exit status 1 if one
was wrong).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from deploy.nginx_config import nginx_command, write_loopback

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
# Loopback only: the environment below turns off what plain HTTP cannot do.
LOOPBACK_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    # nginx sets X-Forwarded-For and -Proto, as a server's nginx does.
    "BEHIND_PROXY": "true",
    "AUDIT_TRUSTED_PROXY_COUNT": "1",
}
# Pages --check fetches through nginx, and the statuses that count as right.
CHECKS = (("/healthz", {200}), ("/readyz", {200}), ("/", {200}), ("/accounts/login/", {200}))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nginx-port", type=int, required=True)
    parser.add_argument("--app-port", type=int, required=True, help="gunicorn's port")
    parser.add_argument("--database-url", help="default: SQLite in the state folder")
    parser.add_argument("--redis-url", help="the cache; default: each process's own memory")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: from CPUs)")
    parser.add_argument("--no-worker", action="store_true", help="do not start run_worker")
    parser.add_argument("--seed-demo", action="store_true", help="run seed_demo --force")
    parser.add_argument("--state-dir", type=Path, help="kept afterwards; default: a temp one")
    parser.add_argument("--skip-setup", action="store_true", help="no migrate/collectstatic")
    parser.add_argument("--check", action="store_true", help="fetch a few pages, then stop")
    return parser.parse_args(argv)


@dataclass
class Stack:
    state_dir: Path
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, command: list[str]) -> None:
        log = (self.state_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def dead(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def stop(self) -> None:
        """SIGTERM to each (gunicorn and the worker finish what they are doing; nginx closes
        at once), SIGKILL to whatever is still there after STOP_TIMEOUT_SECONDS."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.state_dir / (f"{name}.log" if name != "nginx" else "nginx-error.log")
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stack_env(
    args: argparse.Namespace, state_dir: Path, environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """What the stack's processes run with: ``environ`` (this process's environment unless
    given; the bench passes the one it starts this script with) over ``LOOPBACK_ENV``."""
    env = {**LOOPBACK_ENV, "SECRET_KEY": secrets.token_urlsafe(50), **environ}
    # Never the developer's own database: this one, or SQLite in the state folder.
    env.pop("MIGRATION_DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = LOOPBACK_ENV["DJANGO_SETTINGS_MODULE"]
    env["DATABASE_URL"] = args.database_url or f"sqlite:///{state_dir / 'db.sqlite3'}"
    env["STATIC_ROOT"] = str(state_dir / "static")
    env["MEDIA_ROOT"] = str(state_dir / "media")
    env["GUNICORN_BIND"] = f"127.0.0.1:{args.app_port}"
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def set_up(args: argparse.Namespace, env: dict[str, str]) -> None:
    started = time.monotonic()
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    if args.seed_demo:
        manage(env, "seed_demo", "--force")
    print(f"set up in {time.monotonic() - started:.1f} s", flush=True)


def get(url: str, timeout: float = 5.0) -> int:
    """The HTTP status of a GET (errors included), or 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def wait_until_up(stack: Stack, urls: list[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    last = dict.fromkeys(urls, 0)
    while any(status != 200 for status in last.values()):
        if dead := stack.dead():
            logs = "\n".join(f"--- {name}:\n{stack.log_tail(name)}" for name in dead)
            raise SystemExit(f"{', '.join(dead)} stopped while starting:\n{logs}")
        if time.monotonic() > deadline:
            answers = ", ".join(f"{url}: {status or 'nothing'}" for url, status in last.items())
            raise SystemExit(
                f"not up in {START_TIMEOUT_SECONDS:g} s ({answers}); "
                f"gunicorn's log ends:\n{stack.log_tail('gunicorn')}"
            )
        last = {url: status if status == 200 else get(url, 1.0) for url, status in last.items()}
        time.sleep(0.2)


def check_pages(base: str) -> bool:
    right = True
    for path, expected in CHECKS:
        status = get(base + path)
        right = right and status in expected
        print(f"{'ok' if status in expected else 'WRONG':5} {status} {path}", flush=True)
    return right


def run(args: argparse.Namespace, state_dir: Path) -> int:
    env = stack_env(args, state_dir)
    if not args.skip_setup:
        set_up(args, env)
    main_conf = write_loopback(
        state_dir,
        port=args.nginx_port,
        upstream=f"127.0.0.1:{args.app_port}",
        static_root=state_dir / "static",
        media_root=state_dir / "media",
    )
    (state_dir / "media").mkdir(exist_ok=True)
    stack = Stack(state_dir, env)
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        stack.start("gunicorn", [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)])
        if not args.no_worker:
            stack.start(
                "worker",
                [sys.executable, "manage.py", "run_worker", "--queue-name", "*", "--interval", "1"],
            )
        stack.start("nginx", nginx_command(main_conf))
        nginx_url = f"http://127.0.0.1:{args.nginx_port}"
        app_url = f"http://127.0.0.1:{args.app_port}"
        wait_until_up(stack, [f"{app_url}/healthz", f"{nginx_url}/healthz"])
        # gunicorn's master process: the bench reads its workers' CPU time (bench/stack.py).
        gunicorn_pid = stack.processes["gunicorn"].pid
        print(
            f"READY nginx={nginx_url} app={app_url} state={state_dir} gunicorn={gunicorn_pid}",
            flush=True,
        )
        if args.check:
            pages_right = check_pages(nginx_url)
            dead = stack.dead()
            running = ", ".join(stack.processes)
            print(f"WRONG stopped: {', '.join(dead)}" if dead else f"ok    running: {running}")
            return 0 if pages_right and not dead else 1
        while not stopping:
            if dead := stack.dead():
                print(f"stopped on its own: {', '.join(dead)}", flush=True)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install -y nginx).")
    args = parse_args(argv)
    keep = args.state_dir is not None
    state_dir = (args.state_dir or Path(tempfile.mkdtemp(prefix="clinic-stack-"))).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, state_dir)
    finally:
        if not keep:
            shutil.rmtree(state_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
