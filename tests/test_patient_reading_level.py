"""Patient-facing wording stays at or below the reading grade the clinic aims at (8): each
patient page as a whole (each questionnaire's too), with the demo patients' real-looking
plans, and the wording the pages pick from (red flags, the ODI, goal progress), all through
the editors' readability measure (portal.services.readability)."""

import html
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from careteam.models import CarePlan
from patientportal.goal_progress import ACHIEVEMENT_WORDS
from patientportal.models import RedFlag
from patientportal.services.checkins import record_check_in
from patientportal.services.plan_view import DATE_PASSED, STATUS_NOTES
from portal.services.readability import flesch_kincaid_grade
from questionnaires.instruments import INSTRUMENTS, ODI
from tests.patient_fixtures import seed_demo_patients

TARGET = settings.PORTAL_TARGET_READING_GRADE
# Elements whose end closes a sentence for the grade (a heading, a list item, a cell).
BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "legend", "label", "summary", "caption",
    "figcaption", "th", "td", "dt", "dd", "button", "div", "section",
}  # fmt: skip
UNSEEN = {"svg", "script", "style", "template"}
# What a closed <details> hides: all but its summary (no page here nests them).
CLOSED_DETAILS = re.compile(r"(<details(?![^>]*\bopen\b)[^>]*>.*?</summary>).*?(</details>)", re.S)


class VisibleText(HTMLParser):
    """The words a reader sees in ``<main>``: no SVG picture, nothing ``hidden``, a line
    break ending a sentence as a block does."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.in_main = False
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
        elif tag == "br" and self.in_main and not self.skipping:
            self.parts.append(". ")
        elif self.skipping or tag in UNSEEN or "hidden" in dict(attrs):
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping:
            if self.skipping[-1] == tag:
                self.skipping.pop()
        elif tag == "main":
            self.in_main = False
        elif tag in BLOCKS and self.in_main:
            self.parts.append(". ")

    def handle_data(self, data):
        if self.in_main and not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"\s+", " ", re.sub(r"(\.\s*)+\.", ".", "".join(self.parts))).strip()


def visible_text(markup: str) -> str:
    parser = VisibleText()
    parser.feed(CLOSED_DETAILS.sub(r"\1\2", markup))
    return parser.text()


def plain_text(markup: str) -> str:
    """A fragment's text, with list items, headings and paragraphs ending their sentences."""
    markup = re.sub(r"</(li|h1|h2|h3|p|legend|label)>", ". ", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.mark.parametrize(
    ("what", "text"),
    [
        (
            "red-flag box",
            lambda: plain_text(render_to_string("patientportal/includes/red_flags_box.html", {})),
        ),
        (
            "urgent-care page",
            lambda: visible_text(
                render_to_string(
                    "patientportal/urgent.html",
                    {"check_in": SimpleNamespace(red_flag_labels=[RedFlag.BLADDER_OR_BOWEL.label])},
                )
            ),
        ),
        ("red-flag questions", lambda: ". ".join(RedFlag.labels) + "."),
        ("ODI statements", lambda: " ".join(o.label for item in ODI.items for o in item.options)),
        ("ODI results", lambda: " ".join(band.patient_text for band in ODI.bands)),
        ("goal progress words", lambda: ". ".join(ACHIEVEMENT_WORDS.values()) + "."),
        ("where an activity stands", lambda: ". ".join([*STATUS_NOTES.values(), DATE_PASSED])),
    ],
)
def test_patient_wording_is_plain(what, text):
    grade = flesch_kincaid_grade(text())
    assert grade <= TARGET, f"{what} reads at grade {grade}"


def test_the_page_text_is_what_a_reader_sees_and_a_hard_page_fails():
    markup = (
        "<header><p>Skip this header entirely</p></header><main><h1>My plan</h1>"
        "<p hidden>Not shown</p><svg><title>Chart title</title></svg>"
        "<ul><li>Walk daily</li><li>Rest well</li></ul>"
        "<details><summary>Show the table</summary><table><td>Closed away</td></table></details>"
        "<p>Feel better<br>soon</p></main>"
    )
    assert (
        visible_text(markup) == "My plan. Walk daily. Rest well. Show the table. Feel better. soon."
    )
    hard = (
        "<main><p>Multidisciplinary interdisciplinary rehabilitation necessitates "
        "comprehensive neuromusculoskeletal reconditioning incorporating graded "
        "proprioceptive, biopsychosocial and pharmacological interventions.</p></main>"
    )
    assert flesch_kincaid_grade(visible_text(hard)) > TARGET


@pytest.fixture
def demo_patients(db, site_tree):
    """The demo seeders' patients, plans, check-ins and reading, as the tour saw them."""
    seed_demo_patients(site_tree.articles)
    lead = Client()
    users = get_user_model().objects.in_bulk(["dr.lee", "alex", "sam"], field_name="username")
    lead.force_login(users["dr.lee"])
    for plan in CarePlan.objects.all():  # so that "who looked at my record" lists someone
        assert lead.get(reverse("careteam:plan-detail", args=[plan.pk])).status_code == 200
    return users


def patient_pages(client: Client, patient_user) -> dict[str, str]:
    urls = {
        name: reverse(f"patientportal:{name}")
        for name in ("plan", "reading", "check-in", "record-views")
    }
    for code in INSTRUMENTS:
        urls[code] = reverse("patientportal:questionnaire", args=[code])
    urgent = record_check_in(
        patient_user.patient_profile,
        patient_user,
        pain_score=8,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    urls["urgent"] = reverse("patientportal:check-in-urgent", args=[urgent.pk])
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


@pytest.mark.parametrize("username", ["alex", "sam"])
def test_every_patient_page_reads_at_the_target_grade_or_below(demo_patients, username):
    user = demo_patients[username]
    client = Client()
    client.force_login(user)
    for name, markup in patient_pages(client, user).items():
        text = visible_text(markup)
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.S).group(1)
        assert html.unescape(heading).strip() in text, name
        assert len(text.split()) > 15, name
        grade = flesch_kincaid_grade(text)
        assert grade <= TARGET, f"{username}'s {name} page reads at grade {grade}"
