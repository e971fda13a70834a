"""The mixed load (locust): anonymous readers, providers and patients, with writes.

Run by bench/load.py as ``python -m locust -f bench/locustfile.py --headless ...`` with
``BENCH_LOAD_PLAN`` naming the JSON the bench wrote: the pages to read, and the session
cookies it made for the signed-in users (bench/signin.py). Never imported by the bench
itself: locust patches the standard library for gevent when it is imported.

Users by weight: 7 readers (home, articles, search, articles by topic), 2 providers
(dashboard, plan pages, adding a team note), 1 patient (my plan, my reading, a check-in).
Each user waits ``think_seconds`` between requests (0: as fast as answers come, which is
what saturates the server, as the issue's "today" figure did). A write is two requests, as
in a browser: the form (GET), then the POST with the form's CSRF token (and, for a check-in,
its one-time key), which must answer with the redirect to the page it saved on.
"""

from __future__ import annotations

import json
import os
import random
import re
from http.cookiejar import Cookie
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8"))
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
TAKEN = count()


def hidden_fields(html: str) -> dict[str, str]:
    """The form's hidden inputs (the CSRF token, a one-time submission key)."""
    return dict(HIDDEN.findall(html))


def session_cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": ""},
    )


class Reader(FastHttpUser):
    weight = 7
    wait_time = constant(PLAN["think_seconds"])

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="reader: home")

    @task(5)
    def article(self) -> None:
        self.client.get(random.choice(PLAN["articles"]), name="reader: article")

    @task(1)
    def search(self) -> None:
        term = random.choice(PLAN["search_terms"])
        self.client.get(f"/search/?q={term}", name="reader: search")

    @task(2)
    def topic(self) -> None:
        self.client.get(random.choice(PLAN["topics"]), name="reader: articles by topic")


class SignedIn(FastHttpUser):
    """A user whose session cookie the bench made; each takes the next one of its kind."""

    abstract = True
    wait_time = constant(PLAN["think_seconds"])
    kind = ""

    def on_start(self) -> None:
        people = PLAN[self.kind]
        self.person = people[next(TAKEN) % len(people)]
        host = urlsplit(self.host).hostname
        cookie = session_cookie(PLAN["cookie_name"], self.person["session"], host)
        self.client.cookiejar.set_cookie(cookie)

    def write(self, form_path: str, fields: dict[str, str], name: str) -> None:
        """GET the form, then POST it with its hidden fields; a 302 is the saved answer."""
        form = self.client.get(form_path, name=f"{name} (form)")
        data = {**hidden_fields(form.text or ""), **fields}
        with self.client.post(
            form_path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"expected a redirect after saving, got {response.status_code}")


class Provider(SignedIn):
    weight = 2
    kind = "providers"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/care/", name="provider: dashboard")

    @task(4)
    def plan(self) -> None:
        plan = random.choice(self.person["plans"])
        self.client.get(f"/care/plans/{plan}/", name="provider: plan page")

    @task(1)
    def team_note(self) -> None:
        plan = random.choice(self.person["plans"])
        body = "Seen today; tolerating the loading, no red flags."
        self.write(f"/care/plans/{plan}/notes/new/", {"body": body}, "provider: add team note")


class Patient(SignedIn):
    weight = 1
    kind = "patients"

    @task(3)
    def my_plan(self) -> None:
        self.client.get("/my/plan/", name="patient: my plan")

    @task(2)
    def my_reading(self) -> None:
        self.client.get("/my/reading/", name="patient: my reading")

    @task(1)
    def check_in(self) -> None:
        pain = str(random.randint(2, 6))
        self.write("/my/check-in/", {"pain_score": pain, "note": ""}, "patient: check-in")
