"""gunicorn's settings for the portal (``gunicorn -c deploy/gunicorn.conf.py``).

Sync workers, so gunicorn must sit behind a buffering proxy (deploy/nginx/): a sync worker
serves one connection at a time, and a client sending its request slowly would hold it.
nginx reads whole requests before passing them on and takes whole responses from gunicorn.

Environment (all optional):

- ``GUNICORN_BIND``: address to listen on, ``host:port`` or ``unix:/path`` (default
  ``127.0.0.1:8001``: only nginx on this machine reaches it);
- ``GUNICORN_WORKERS``: worker processes (default ``2 × CPUs + 1``, CPUs this process may run
  on);
- ``GUNICORN_TIMEOUT``: seconds a worker may spend on one request before it is killed and
  replaced (default 30; nginx's ``proxy_read_timeout`` is a little longer);
- ``GUNICORN_MAX_REQUESTS``: requests before a worker is replaced, with jitter, so a slow leak
  cannot grow for ever (default 1000; 0 never replaces).
"""

import os


def available_cpus() -> int:
    """CPUs this process may run on (its affinity, which containers and systemd's
    ``CPUAffinity=`` narrow), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(cpus: int) -> int:
    """gunicorn's advice for sync workers: two per CPU plus one."""
    return 2 * max(cpus, 1) + 1


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8001"
worker_class = "sync"
workers = _env_int("GUNICORN_WORKERS", workers_for(available_cpus()))
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# Django and Wagtail are imported once, before the workers fork: quicker starts, and the
# workers share those pages of memory. A new release needs a restart, not a HUP.
preload_app = True
# On SIGTERM (a restart, a deploy), requests in flight get this long to finish.
graceful_timeout = 30
# nginx opens a connection per request to the upstream; no need to hold idle ones long.
keepalive = 2
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a disk that may stall (and /tmp may be a slow overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Logs to stdout/stderr: journald (systemd) or the container runtime keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's address as nginx saw it is in X-Forwarded-For (the audit trail reads it with
# AUDIT_TRUSTED_PROXY_COUNT=1); the access log shows both.
access_log_format = '%(h)s %({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# No request line or header longer than this reaches Django (nginx enforces its own first).
limit_request_line = 8190
limit_request_fields = 100
