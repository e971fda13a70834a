"""Hypothesis strategies for hostile form input, and the means to post it as an attacker
would: ``submissions(fields)`` draws a list of (name, value) pairs from a form's valid-value
strategies mixed with ``HOSTILE`` values, missing and repeated fields and extra ones;
``encode`` turns it into a raw request body (lone surrogates become invalid UTF-8, as no
browser would send them) and ``as_the_view_sees_it`` decodes that body as Django will, so a
test can ask the form itself whether the input was valid.

Used by tests/test_core_hostile_forms.py; tests/test_core_request_safety.py holds the
example-based cases (a NUL in every field of every page).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote_plus

from django.http import QueryDict
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

Pairs = list[tuple[str, str]]

SPECIMENS = (
    # NUL (refused before any view: core.middleware.RejectNulBytesMiddleware)
    "\x00",
    "before\x00after",
    # Markup and script
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "</textarea><svg onload=alert(1)>",
    "{{ request.user }}{% debug %}",
    "${7*7}#{7*7}",
    # SQL-ish
    "'; DROP TABLE careteam_careplan; --",
    "' OR '1'='1",
    "1); SELECT pg_sleep(10); --",
    "%_\\%",
    # Direction, invisible and combining characters
    "\u202egnp.exe",
    "\u200f\u200e\u2066\u2069",
    "\ufeff\u200b\u2060",
    "Z\u0364\u0351\u0313a\u0308\u0356",
    "\U0001d57f\U0001f469\u200d\u2695\ufe0f",
    "\r\n\t \xa0\u3000",
    "",
    # Numbers, not quite numbers
    "NaN",
    "-Infinity",
    "1e309",
    "9" * 40,
    "-9223372036854775809",
    "9223372036854775808",
    "\u0663",  # ARABIC-INDIC DIGIT THREE
    "\uff11\uff12",  # FULLWIDTH 12
    "0x1F",
    "1_000",
    "True",
    "null",
    "[]",
    '{"__proto__": 1}',
    # Dates, not quite dates
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "31/12/9999",
    "-2026-01-01",
    "2026-01-01T25:61:00",
)

# Strings at and just past the limits the forms and models set, and far past them.
HUGE = st.builds(
    lambda unit, size: unit * size,
    st.sampled_from(["a", "\u202e", "\U0001d518", "<b>", "\u00e9", " "]),
    st.sampled_from([32, 33, 100, 101, 200, 201, 254, 255, 1000, 1001, 2000, 2001, 10_001, 90_000]),
)
SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=4)
ANY_TEXT = st.text(max_size=60)  # every code point but surrogates, NUL included

HOSTILE: SearchStrategy[str] = st.one_of(
    st.sampled_from(SPECIMENS),
    ANY_TEXT,
    HUGE,
    st.builds(lambda a, b: a + b, SURROGATES, ANY_TEXT),
    st.integers().map(str),
    st.floats().map(str),
    st.dates().map(datetime.date.isoformat),
    st.datetimes().map(str),
)

# Field names a mass-assignment attempt would try.
PRIVILEGED_NAMES = (
    "id",
    "pk",
    "plan",
    "plan_id",
    "patient",
    "patient_id",
    "section",
    "user",
    "author",
    "created_by",
    "version",
    "status",
    "role",
    "is_superuser",
    "is_staff",
)
EXTRA_FIELD = st.tuples(st.one_of(st.sampled_from(PRIVILEGED_NAMES), ANY_TEXT), HOSTILE)


# --- Valid-looking values, many of them hostile in content all the same ----------------------


def text(max_length: int, *, required: bool = True) -> SearchStrategy[str]:
    """Text a form of that length limit may accept: any script, direction marks, markup."""
    printable = st.characters(exclude_categories=["Cs", "Cc"])
    return st.one_of(
        st.text(printable, min_size=1 if required else 0, max_size=min(max_length, 80)),
        st.sampled_from([s for s in SPECIMENS if s.strip() and len(s) <= max_length]),
        st.just("\u00e9" * max_length),
    )


def dates(*, near: bool = False) -> SearchStrategy[str]:
    """ISO dates: within two years from today, or within five years of it, or anywhere
    from year 1 to 9999."""
    today = datetime.date.today()
    if near:
        return st.dates(today, today + datetime.timedelta(days=730)).map(datetime.date.isoformat)
    five_years = datetime.timedelta(days=5 * 365)
    return st.one_of(st.dates(today - five_years, today + five_years), st.dates()).map(
        datetime.date.isoformat
    )


def choices(values: Sequence[str]) -> SearchStrategy[str]:
    return st.sampled_from(list(values))


CHECKBOX = st.sampled_from(["on", "true", "1", "", "false", "0", "off"])


def version(current: int) -> SearchStrategy[str]:
    """Mostly the version the form was opened at; sometimes a stale or impossible one."""
    wrong = st.sampled_from(
        [str(current - 1), str(current + 1), "0", "-1", "9" * 30, "1.0", " 1 ", "one"]
    )
    return st.one_of(st.just(str(current)), st.just(str(current)), wrong)


# --- A whole submission --------------------------------------------------------------------


# More fields than Django parses (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000 by default).
TOO_MANY_FIELDS = 1001


@st.composite
def submissions(draw, fields: dict[str, SearchStrategy[str]]) -> Pairs:
    """All fields valid-looking, or one of them hostile, or each one anything (valid,
    hostile, missing, sent twice); extra fields now and then."""
    mode = draw(st.sampled_from(["valid", "one hostile", "chaos"]))
    names = sorted(fields)
    spoiled = draw(st.sampled_from(names)) if names and mode == "one hostile" else None
    pairs: Pairs = []
    for name in names:
        how = "valid"
        if mode == "chaos" or name == spoiled:
            how = draw(st.sampled_from(["hostile", "missing", "twice", "valid"]))
        if how == "missing":
            continue
        pairs.append((name, draw(HOSTILE if how == "hostile" else fields[name])))
        if how == "twice":
            pairs.append((name, draw(HOSTILE)))
    if mode != "valid" or draw(st.booleans()):
        pairs += draw(st.lists(EXTRA_FIELD, max_size=3))
    if mode == "chaos" and draw(st.integers(0, 20)) == 0:
        pairs += [(f"field{n}", "x") for n in range(TOO_MANY_FIELDS)]
    return pairs


@dataclass(frozen=True)
class Body:
    content: bytes
    content_type: str


URLENCODED = "application/x-www-form-urlencoded"
BODY_KINDS = st.sampled_from([URLENCODED, URLENCODED, URLENCODED, "application/json"])


def _raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def query_string(pairs: Pairs) -> str:
    return "&".join(f"{quote_plus(_raw(name))}={quote_plus(_raw(value))}" for name, value in pairs)


def encode(pairs: Pairs, content_type: str = URLENCODED) -> Body:
    if content_type == URLENCODED:
        return Body(query_string(pairs).encode("ascii"), content_type)
    return Body(json.dumps(dict(pairs)).encode(), content_type)


def as_the_view_sees_it(body: Body) -> QueryDict:
    """``request.POST`` for this body: invalid UTF-8 decoded as U+FFFD; not a form body,
    nothing at all. Raises ``TooManyFieldsSent`` (a 400 for the view) as Django would."""
    if body.content_type != URLENCODED:
        return QueryDict("")
    return QueryDict(body.content, encoding="utf-8")


def has_nul(data: QueryDict) -> bool:
    return any("\x00" in name or any("\x00" in v for v in values) for name, values in data.lists())
