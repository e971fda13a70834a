"""Sign users in under this environment's settings and print their sessions as JSON.

    python -m bench.sessions dr.lee:2 mh.rivera alex:1

prints ``{"cookie_name": "sessionid", "sessions": {"dr.lee": [key, key], ...}}``. The bench
runs it with the web stack's environment (bench/stack.py) so that the sessions are saved
where, and signed as, the stack reads them; how they are made is bench/signin.py.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_wanted(words: list[str]) -> dict[str, int]:
    """``name[:count]`` words as {name: count} (count 1 when not given)."""
    wanted = {}
    for word in words:
        name, _, count = word.partition(":")
        wanted[name] = int(count) if count else 1
    return wanted


def main(argv: list[str] | None = None) -> None:
    wanted = parse_wanted(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # Django and what uses models only once the settings above are in place.
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from bench.signin import sign_in

    users = get_user_model().objects.in_bulk(list(wanted), field_name="username")
    missing = sorted(set(wanted) - set(users))
    if missing:
        raise SystemExit(f"no such users: {', '.join(missing)}")
    sessions = {
        name: [sign_in(users[name]) for _ in range(count)] for name, count in wanted.items()
    }
    json.dump({"cookie_name": settings.SESSION_COOKIE_NAME, "sessions": sessions}, sys.stdout)


if __name__ == "__main__":
    main()
