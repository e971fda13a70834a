"""The Markdown parser: front matter and sections into a plain article structure (no database)."""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path

import pytest
from django.conf import settings

from portal.importing import ArticleParseError, parse_markdown_file, parse_markdown_text
from portal.importing.document import Callout, Heading, Paragraph, Quote, TreatmentLink
from portal.importing.rich_text import plain_text
from portal.services.readability import flesch_kincaid_grade
from portal.services.reading_time import count_text_words
from portal.summaries import SUMMARY_MAX_LENGTH

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
DEMO_ARTICLES = Path(__file__).resolve().parent.parent / "portal" / "demo_content" / "articles"
FLAGSHIP = DEMO_ARTICLES / "hypermobile-lower-back-pain.md"


@pytest.fixture(scope="module")
def core():
    return parse_markdown_file(FIXTURES / "core-basics.md")


def body_html(article) -> str:
    parts = []
    for block in article.body:
        if isinstance(block, Paragraph):
            parts.append(block.html)
        elif isinstance(block, Callout):
            parts.append(block.body_html)
    return "".join(parts)


def test_front_matter_becomes_metadata(core):
    assert core.title == "Core basics for a steadier back"
    assert core.slug == "core-basics"
    assert core.summary.startswith("A short guide to the deep core")
    meta = core.metadata
    assert meta.author == "Dr Test Author, MD"
    assert meta.reviewer == "Alex Reviewer, DPT"
    assert meta.publish_date == datetime.date(2026, 2, 1)
    assert meta.last_reviewed == datetime.date(2026, 1, 20)
    assert meta.next_review_due == datetime.date(2027, 1, 20)
    assert meta.topics == ["Exercise and movement", "Hypermobility"]
    assert meta.conditions == ["Lower back pain"]
    assert meta.contraindications == ["Deep stretching"]


def test_key_takeaways_accept_colon_and_full_stop_leads(core):
    assert [(t.lead, t.text) for t in core.takeaways] == [
        ("Control first", "Move slowly in the middle of your range."),
        ("Little and often", "Short daily sessions beat long weekly ones."),
        ("Build up slowly", "Add one change at a time."),
    ]


def test_headings_keep_their_order_and_levels(core):
    assert [(h.level, h.text) for h in core.headings()] == [
        ("h2", "Why the core matters"),
        ("h3", "What the deep core is"),
        ("h3", "How it steadies the spine"),
        ("h3", "A detail heading"),  # #### is folded into h3
        ("h2", "Getting started"),
    ]


def test_title_heading_and_special_sections_are_not_body_blocks(core):
    texts = [block.text for block in core.body if isinstance(block, Heading)]
    assert core.title not in texts
    assert not {"Key takeaways", "Frequently asked questions", "Related articles"} & set(texts)
    html = body_html(core)
    assert "Balance at home" not in html
    assert "Control first" not in html
    assert "How often should I practise" not in html


def test_intro_comes_first_and_paragraphs_group_between_headings(core):
    assert isinstance(core.body[0], Paragraph)
    assert "hold the spine" in core.body[0].html
    assert isinstance(core.body[1], Heading)
    # Paragraph, list and paragraph under one heading make a single block, up to the callout.
    grouped = core.body[3]
    assert isinstance(grouped, Paragraph)
    assert "<ul><li>Deep tummy muscle</li>" in grouped.html
    assert "Small muscles along the spine" in grouped.html
    assert isinstance(core.body[4], Callout)


def test_links_and_emphasis_survive(core):
    intro = core.body[0].html
    assert "<em>deep</em>" in intro
    assert "<strong>steady</strong>" in intro
    assert '<a href="/treatments/stabilisation-physical-therapy/">' in intro
    assert "<em>start</em>" in core.faq[0].answer_html
    assert '<a href="/articles/core-basics/">' in core.faq[0].answer_html


def test_script_is_dropped_with_its_content(core):
    html = body_html(core)
    assert "<script" not in html
    assert "not allowed" not in html
    assert "removed a <script> element" in core.warnings


def test_blockquotes_with_labels_become_callouts(core):
    callouts = [block for block in core.body if isinstance(block, Callout)]
    assert [c.kind for c in callouts] == ["tip", "red_flag", "warning", "info", "urgent"]
    red_flag = callouts[1]
    assert plain_text(red_flag.body_html) == "New leg weakness needs urgent care now."
    assert plain_text(callouts[2].body_html) == "Stop if pain is sharp."


def test_plain_blockquote_becomes_a_quote_with_attribution(core):
    quotes = [block for block in core.body if isinstance(block, Quote)]
    assert quotes == [
        Quote(text="Strong backs are built slowly.", attribution="A physical therapist")
    ]


def test_faq_questions_and_answers(core):
    assert [item.question for item in core.faq] == [
        "How often should I practise?",
        "Is clicking a problem?",
    ]
    assert plain_text(core.faq[1].answer_html) == "Painless clicks are usually harmless."


def test_related_articles_are_collected_as_links(core):
    assert [(link.title, link.href) for link in core.related] == [
        ("Balance at home", "/articles/balance-at-home/"),
        ("A page that does not exist", "/articles/no-such-article/"),
    ]


def test_defaults_slug_from_title_and_reads_comma_separated_topics():
    article = parse_markdown_file(FIXTURES / "balance-at-home.md")
    assert article.slug == "balance-at-home"
    assert article.metadata.topics == ["Exercise and movement", "Balance"]
    assert article.metadata.reviewer == ""


def test_title_can_come_from_the_first_heading():
    article = parse_markdown_text("---\nsummary: S\n---\n# From the heading\n\nText.\n")
    assert article.title == "From the heading"
    assert [type(block) for block in article.body] == [Paragraph]


def test_missing_summary_falls_back_to_first_paragraph_with_a_warning():
    article = parse_markdown_text("---\ntitle: T\n---\n\nFirst words here.\n\n## More\n\nLater.")
    assert article.summary == "First words here."
    assert any("summary" in warning for warning in article.warnings)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("missing-title.md", "missing title"),
        ("invalid-yaml.md", "invalid YAML front matter on line 2: expected"),
        ("no-body.md", "no body text"),
        ("bad-date.md", "bad date in 'date': '31/01/2026'"),
    ],
)
def test_bad_files_raise_a_clear_problem(name, problem):
    with pytest.raises(ArticleParseError, match=problem.replace("(", r"\(")):
        parse_markdown_file(FIXTURES / "bad" / name)


def test_unreadable_and_unclosed_files_raise(tmp_path):
    binary = tmp_path / "latin1.md"
    binary.write_bytes("---\ntitle: Caf\xe9\n---\nText".encode("latin-1"))
    with pytest.raises(ArticleParseError, match="not UTF-8"):
        parse_markdown_file(binary)
    with pytest.raises(ArticleParseError, match="could not read"):
        parse_markdown_file(tmp_path / "missing.md")
    with pytest.raises(ArticleParseError, match="not closed"):
        parse_markdown_text("---\ntitle: T\n\nText without a closing line.")
    with pytest.raises(ArticleParseError, match="must be 'name: value' lines"):
        parse_markdown_text("---\n- a list\n---\nText.")


def test_takeaway_without_bold_lead_is_reported():
    article = parse_markdown_text(
        "---\ntitle: T\nsummary: S\n---\nIntro.\n\n## Key takeaways\n\n- no lead here\n"
    )
    assert article.takeaways == []
    assert any("no bold lead-in" in warning for warning in article.warnings)


# The demo content is imported by the seeder, so every file must meet the article standard.

DEMO_FILES = sorted(DEMO_ARTICLES.glob("*.md"))


def article_text(article) -> str:
    texts = [f"{t.lead} {t.text}" for t in article.takeaways]
    for block in article.body:
        if isinstance(block, Heading):
            texts.append(block.text)
        elif isinstance(block, Paragraph):
            texts.append(plain_text(block.html))
        elif isinstance(block, Callout):
            texts.append(plain_text(block.body_html))
        elif isinstance(block, Quote):
            texts.append(block.text)
        elif isinstance(block, TreatmentLink):
            texts.append(block.blurb)
    texts += [f"{item.question} {plain_text(item.answer_html)}" for item in article.faq]
    return " ".join(texts)


def article_words(article) -> int:
    return count_text_words(article_text(article))


def test_there_are_at_least_eight_demo_articles():
    assert len(DEMO_FILES) >= 8


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda path: path.stem)
def test_demo_article_is_complete(path):
    article = parse_markdown_file(path)
    assert article.slug == path.stem
    assert article.warnings == []
    assert article.summary
    assert article.metadata.author and article.metadata.reviewer
    assert article.metadata.publish_date.year == 2026
    assert 3 <= len(article.takeaways) <= 4
    assert len(article.headings("h2")) >= 3
    assert len(article.faq) >= 4
    assert article.related
    if path != FLAGSHIP:
        assert 800 <= article_words(article) <= 1600
    # Patient material aims at a reading grade of 8 or below, the summary too (the editor's
    # panel grades it on its own), and a summary fits its limit.
    assert flesch_kincaid_grade(article_text(article)) <= 8
    assert flesch_kincaid_grade(article.summary) <= 8
    assert len(article.summary) <= SUMMARY_MAX_LENGTH


def test_demo_related_links_point_at_demo_articles():
    slugs = {path.stem for path in DEMO_FILES}
    for path in DEMO_FILES:
        for link in parse_markdown_file(path).related:
            assert link.href.strip("/").split("/")[-1] in slugs, (path.name, link.href)


def test_flagship_article_is_a_long_structured_read():
    article = parse_markdown_file(FLAGSHIP)
    h2_sections = []
    for block in article.body:
        if isinstance(block, Heading) and block.level == "h2":
            h2_sections.append([])
        elif isinstance(block, Heading) and h2_sections:
            h2_sections[-1].append(block)
    assert len(h2_sections) == 8
    assert all(2 <= len(subsections) <= 4 for subsections in h2_sections)
    assert len(article.faq) >= 5
    assert [c.kind for c in article.body if isinstance(c, Callout)].count("red_flag") == 1
    # The README's promise: cards that link to treatment pages.
    cards = [block.href for block in article.body if isinstance(block, TreatmentLink)]
    assert cards == [
        f"/treatments/{treatment}/"
        for treatment in (
            "epidural-steroid-injections",
            "radiofrequency-ablation",
            "prolotherapy",
            "stabilisation-physical-therapy",
        )
    ]
    words = article_words(article)
    assert 3500 <= words <= 4300
    assert math.ceil(words / 238) >= 15


def test_images_and_unsupported_markup_are_dropped_with_a_note():
    article = parse_markdown_text(
        "---\ntitle: T\nsummary: S\n---\nText ![A spine](spine.png) and <u>underlined</u> words.\n"
    )
    assert plain_text(article.body[0].html) == "Text and underlined words."
    assert "<img" not in article.body[0].html
    assert "dropped an image (add images in Wagtail's image library)" in article.warnings
    assert "dropped unsupported <u> formatting" in article.warnings


def test_a_blockquote_labelled_treatment_becomes_a_treatment_card():
    article = parse_markdown_text(
        "---\ntitle: T\nsummary: S\n---\nText.\n\n"
        "> **Treatment:** [Prolotherapy](/treatments/prolotherapy/) Who might try it.\n\n"
        "> **Treatment:** No link here.\n"
    )
    cards = [block for block in article.body if isinstance(block, TreatmentLink)]
    assert cards == [
        TreatmentLink(
            href="/treatments/prolotherapy/", title="Prolotherapy", blurb="Who might try it."
        )
    ]
    assert "a Treatment card has no link to a treatment page; skipped" in article.warnings


def test_demo_articles_give_the_clinics_emergency_number_as_the_footer_does():
    """One number everywhere (settings.CLINIC_EMERGENCY_NUMBER), never "your local emergency
    number" beside a footer that says 999."""
    for path in DEMO_FILES:
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert "local emergency number" not in text, path.name
        numbers = set(re.findall(r"\b[Cc]all (\d{3})\b", text))
        assert numbers <= {settings.CLINIC_EMERGENCY_NUMBER}, (path.name, numbers)
