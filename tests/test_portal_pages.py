"""Every page type renders the content a reader needs."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from portal.blocks import CalloutBlock
from portal.models import ArticlePage, ArticleRelatedArticle, HomePageFeaturedArticle
from portal.services.reading_time import count_words, reading_time_minutes
from tests.portal_fixtures import (
    heading,
    make_article,
    make_condition,
    make_topic,
    make_treatment,
    paragraph,
)

pytestmark = pytest.mark.django_db


def json_ld_blocks(html: str) -> list[dict]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(script) for script in scripts]


@pytest.fixture
def full_article(site_tree, author, reviewer):
    treatment = make_treatment(site_tree.treatments, "Prolotherapy")
    return make_article(
        site_tree.articles,
        "Hypermobile lower back pain",
        summary="What loose ligaments mean for your back.",
        author=author,
        medical_reviewer=reviewer,
        last_reviewed=datetime.date(2026, 1, 5),
        next_review_due=datetime.date(2027, 1, 5),
        publish_date=datetime.date(2026, 2, 1),
        topics=[make_topic("Hypermobility")],
        conditions=[make_condition("Hypermobility spectrum disorder")],
        takeaways=[("Stability first", "Strength holds a loose spine steady.")],
        faqs=[("Should I stretch?", "<p>Avoid deep stretching.</p>")],
        body=[
            heading("Why it hurts"),
            paragraph("Loose ligaments let joints move too far."),
            heading("Small steps", level="h3"),
            {
                "type": "callout",
                "value": {
                    "kind": "red_flag",
                    "title": "Get help now",
                    "body": "<p>New leg weakness needs urgent care.</p>",
                },
            },
            {"type": "quote", "value": {"text": "Slow and steady.", "attribution": "A patient"}},
            {"type": "treatment_link", "value": {"page": treatment.pk, "blurb": "Can help."}},
        ],
    )


def test_home_page_shows_hero_featured_articles_and_treatments(client, site_tree, full_article):
    HomePageFeaturedArticle.objects.create(page=site_tree.home, article=full_article)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stronger, steadier backs" in html
    assert 'href="/articles/hypermobile-lower-back-pain/"' in html
    assert 'href="/treatments/prolotherapy/"' in html
    assert 'role="search"' in html


def test_article_page_shows_computed_and_editorial_content(client, full_article):
    response = client.get("/articles/hypermobile-lower-back-pain/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="article-title">Hypermobile lower back pain</h1>' in html
    assert f"{reading_time_minutes(full_article)} min read" in html
    assert 'datetime="2026-02-01"' in html and "1 February 2026" in html
    assert "ago)" in html  # relative publish time beside the absolute date
    assert "Dr Ada Testwell</strong>, MD" in html
    assert "Sam Reviewer</strong>, DPT" in html
    assert "Last reviewed" in html and "5 January 2027" in html
    assert "<strong>Stability first:</strong> Strength holds a loose spine steady." in html
    assert '<h2 id="why-it-hurts">Why it hurts</h2>' in html
    assert '<h3 id="small-steps">Small steps</h3>' in html
    assert '<aside class="callout callout--red_flag" role="note">' in html
    assert '<p class="callout__kind">Red flag</p>' in html
    assert '<p class="callout__title"><strong>Get help now</strong></p>' in html
    assert 'href="/treatments/prolotherapy/"' in html and "Can help." in html
    assert '<h3 class="faq__question">Should I stretch?</h3>' in html
    assert 'href="/articles/?topic=hypermobility"' in html
    assert 'aria-label="Breadcrumb"' in html and 'href="/articles/"' in html


@pytest.mark.parametrize(
    "kind, label",
    [
        ("urgent", "Get help now"),
        ("red_flag", "Red flag"),
        ("warning", "Warning"),
        ("tip", "Tip"),
        ("info", "Note"),
    ],
)
def test_every_callout_kind_shows_its_label_once(kind, label):
    # Imported callouts have no title: the label is all that says what kind of note it is.
    block = CalloutBlock()
    value = block.to_python({"kind": kind, "title": "", "body": "<p>Rest between sets.</p>"})
    html = block.render(value)
    visible_text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert visible_text == f"{label} Rest between sets."
    assert "aria-label" not in html  # the visible label is the name; no second announcement


def test_callout_title_shows_under_the_label_unless_it_repeats_it():
    block = CalloutBlock()
    titled = block.render(block.to_python({"kind": "tip", "title": "Pace", "body": "<p>x</p>"}))
    assert '<p class="callout__kind">Tip</p>' in titled
    assert '<p class="callout__title"><strong>Pace</strong></p>' in titled
    same = block.render(block.to_python({"kind": "tip", "title": "tip", "body": "<p>x</p>"}))
    assert '<p class="callout__kind">Tip</p>' in same and "callout__title" not in same


def test_treatment_index_and_treatment_page_render(client, site_tree, reviewer):
    make_treatment(
        site_tree.treatments,
        "Radiofrequency ablation",
        medical_reviewer=reviewer,
        risks=[paragraph("Some soreness for a few days.")],
        faqs=[("Does it hurt?", "<p>You will have local anaesthetic.</p>")],
    )
    index = client.get("/treatments/")
    assert index.status_code == 200
    assert '<li><a href="/">Home</a></li>' in index.content.decode()
    assert 'href="/treatments/radiofrequency-ablation/"' in index.content.decode()
    page = client.get("/treatments/radiofrequency-ablation/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h2 id="what-it-is">What it is</h2>' in html
    assert '<h2 id="risks">Risks and side effects</h2>' in html
    assert "Some soreness for a few days." in html
    kinds = [block["@type"] for block in json_ld_blocks(html)]
    assert kinds == ["MedicalWebPage", "FAQPage"]


def test_article_json_ld_describes_the_page_and_every_faq(client, full_article):
    html = client.get(full_article.url).content.decode()
    page_ld, faq_ld = json_ld_blocks(html)
    assert page_ld["@type"] == "MedicalWebPage"
    assert page_ld["headline"] == "Hypermobile lower back pain"
    assert page_ld["author"]["name"] == "Dr Ada Testwell"
    assert page_ld["reviewedBy"]["name"] == "Sam Reviewer"
    assert page_ld["lastReviewed"] == "2026-01-05"
    assert page_ld["datePublished"] == "2026-02-01"
    assert page_ld["about"] == [
        {"@type": "MedicalCondition", "name": "Hypermobility spectrum disorder"}
    ]
    assert page_ld["url"] == "http://localhost/articles/hypermobile-lower-back-pain/"
    assert faq_ld["@type"] == "FAQPage"
    assert faq_ld["mainEntity"] == [
        {
            "@type": "Question",
            "name": "Should I stretch?",
            "acceptedAnswer": {"@type": "Answer", "text": "Avoid deep stretching."},
        }
    ]


def test_json_ld_has_one_question_per_faq_item(client, site_tree):
    faqs = [(f"Question {n}?", f"<p>Answer {n}.</p>") for n in range(5)]
    article = make_article(site_tree.articles, "Many questions", faqs=faqs)
    faq_ld = json_ld_blocks(client.get(article.url).content.decode())[1]
    assert [q["name"] for q in faq_ld["mainEntity"]] == [q for q, _ in faqs]


def test_script_end_tag_in_faq_answer_cannot_break_out_of_json_ld(client, site_tree):
    article = make_article(
        site_tree.articles,
        "Escaping",
        faqs=[
            ("Is <b>this</b> safe?", "<p>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>")
        ],
    )
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    faq_ld = json_ld_blocks(html)[1]
    assert faq_ld["mainEntity"][0]["acceptedAnswer"]["text"] == (
        "</script><script>alert(1)</script>"
    )
    assert faq_ld["mainEntity"][0]["name"] == "Is <b>this</b> safe?"


def test_reading_time_counts_body_takeaways_and_faq_but_not_title(site_tree):
    body_words = " ".join(["steady"] * 400)
    article = make_article(
        site_tree.articles,
        "A title of seven words that is long",
        body=[heading("Two words"), paragraph(body_words)],
        takeaways=[("Lead here", "Three more words.")],
        faqs=[("Four word question here?", "<p>Five words in the answer.</p>")],
    )
    assert count_words(article) == 2 + 400 + 2 + 3 + 4 + 5
    assert reading_time_minutes(article) == 2  # 416 words at 238 a minute, rounded up


def test_reading_time_is_at_least_one_minute(site_tree):
    article = make_article(site_tree.articles, "Tiny", body=[paragraph("Hello.")])
    assert count_words(article) == 1
    assert reading_time_minutes(article) == 1


def test_toc_lists_h2s_with_unique_stable_anchors(client, site_tree):
    article = make_article(
        site_tree.articles,
        "Anchors",
        body=[
            heading("Overview"),
            heading("Details", level="h3"),
            heading("Overview"),
            heading("Custom", anchor="my-anchor"),
        ],
    )
    html = client.get(article.url).content.decode()
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="#([\w-]+)"', toc) == ["overview", "overview-2", "my-anchor"]
    for anchor in ("overview", "overview-2", "my-anchor", "details"):
        assert html.count(f'id="{anchor}"') == 1


def test_related_articles_are_chosen_else_share_topics(site_tree):
    back, sleep = make_topic("Back pain"), make_topic("Sleep")
    article = make_article(site_tree.articles, "Main", topics=[back])
    sharing = make_article(site_tree.articles, "Shares a topic", topics=[back, sleep])
    make_article(site_tree.articles, "Unrelated", topics=[sleep])
    make_article(site_tree.articles, "Draft sharing", topics=[back], publish=False)
    assert article.related_articles() == [sharing]

    chosen = make_article(site_tree.articles, "Chosen one")
    ArticleRelatedArticle.objects.create(page=article, article=chosen)
    assert article.related_articles() == [chosen]


def test_article_index_filters_by_topic_newest_first(client, site_tree):
    back = make_topic("Back pain")
    make_article(site_tree.articles, "Older", topics=[back], publish_date=datetime.date(2025, 1, 1))
    make_article(site_tree.articles, "Newer", topics=[back], publish_date=datetime.date(2026, 1, 1))
    make_article(site_tree.articles, "Off topic", publish_date=datetime.date(2026, 3, 1))
    html = client.get("/articles/?topic=back-pain").content.decode()
    assert "Off topic" not in html
    assert html.index("Newer") < html.index("Older")
    everything = client.get("/articles/").content.decode()
    assert everything.index("Off topic") < everything.index("Newer") < everything.index("Older")
    assert '<li><a href="/">Home</a></li>' in everything  # breadcrumbs


def test_article_index_unknown_topic_gives_a_clear_message(client, site_tree):
    make_article(site_tree.articles, "Something")
    response = client.get("/articles/?topic=nope")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no topic called “nope”" in html
    assert "Something" not in html


def test_article_index_paginates(client, site_tree):
    for n in range(14):
        make_article(
            site_tree.articles, f"Numbered {n:02d}", publish_date=datetime.date(2026, 1, n + 1)
        )
    first = client.get("/articles/").content.decode()
    second = client.get("/articles/?page=2").content.decode()
    assert "Numbered 13" in first and "Numbered 00" not in first
    assert "Numbered 00" in second and "Page 2 of 2" in second
    assert client.get("/articles/?page=abc").status_code == 200


def test_publish_date_defaults_to_first_publication(site_tree):
    article = make_article(site_tree.articles, "Undated")
    assert article.publish_date == article.first_published_at.date()


def test_chosen_related_articles_keep_the_editors_order_before_the_limit(site_tree):
    article = make_article(site_tree.articles, "Main")
    dates = [datetime.date(2024, 1, 1), datetime.date(2026, 3, 1), datetime.date(2025, 6, 1)]
    oldest_first = [
        make_article(site_tree.articles, f"Chosen {n}", publish_date=day)
        for n, day in enumerate(dates)
    ]
    newest = make_article(
        site_tree.articles, "Newest chosen", publish_date=datetime.date(2026, 9, 1)
    )
    for order, chosen in enumerate([*oldest_first, newest]):
        ArticleRelatedArticle.objects.create(page=article, article=chosen, sort_order=order)
    assert article.related_articles(limit=2) == oldest_first[:2]
    assert article.related_articles(limit=None) == [*oldest_first, newest]


def test_a_preview_shows_related_articles_in_the_order_the_editor_left_them(site_tree):
    article = make_article(site_tree.articles, "Main")
    first, second, added = (
        make_article(site_tree.articles, title, publish_date=datetime.date(2025, month, 1))
        for month, title in ((1, "First"), (6, "Second"), (9, "Added in the form"))
    )
    for order, chosen in enumerate([first, second]):
        ArticleRelatedArticle.objects.create(page=article, article=chosen, sort_order=order)
    draft = article.get_latest_revision_as_object()
    # The editor moved "Second" up and added a new link, none of it saved yet.
    draft.related_article_links = [
        ArticleRelatedArticle(article=added, sort_order=0),
        ArticleRelatedArticle(article=second, sort_order=1),
        ArticleRelatedArticle(article=first, sort_order=2),
    ]
    assert draft.related_articles(limit=2) == [added, second]
    saved = ArticlePage.objects.get(pk=article.pk)
    assert saved.related_articles() == [first, second]


def test_an_article_says_where_it_was_printed_from_once(client, full_article):
    html = client.get("/articles/hypermobile-lower-back-pain/").content.decode()
    assert html.count("Printed from") == 1
    assert (
        'class="print-only">Printed from the Northbridge Spine &amp; Pain Clinic website, '
        "http://testserver/articles/hypermobile-lower-back-pain/, on "
    ) in html


def test_print_spells_out_links_to_this_sites_pages_and_others():
    css = Path(finders.find("core/css/print.css")).read_text(encoding="utf-8")
    assert '.prose a[href^="/"]::after' in css and '.prose a[href^="http"]::after' in css
    assert "Printed from" not in css  # the page says it once, with its address


@pytest.mark.parametrize(
    ("path", "description"),
    [
        ("/", "Clear guides for people with back pain."),
        ("/articles/", "Careful guides to living well with back pain and hypermobility."),
        ("/treatments/", "What our treatments involve, who they help, and what to expect."),
        ("/articles/hypermobile-lower-back-pain/", "What loose ligaments mean for your back."),
    ],
)
def test_every_portal_page_has_a_meta_description(client, full_article, path, description):
    home = full_article.get_parent().get_parent().specific
    home.hero_text = "Clear guides for people with back pain."
    home.save_revision().publish()
    html = client.get(path).content.decode()
    assert f'<meta name="description" content="{description}">' in html
