"""The fixed top of the page tree: home, /articles/ and /treatments/."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Page, Site

from portal.importing.rich_text import as_editor_stores_it
from portal.models import ArticleIndexPage, HomePage, TreatmentIndexPage

ARTICLES_INTRO = "Careful guides to living well with back pain and hypermobility."
TREATMENTS_INTRO = "What our treatments involve, who they help, and what to expect."


@dataclass(frozen=True)
class SiteTree:
    home: HomePage
    articles: ArticleIndexPage
    treatments: TreatmentIndexPage


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@transaction.atomic
def ensure_site_tree(*, hero_title: str = "", hero_text: str = "", intro: str = "") -> SiteTree:
    """Create the clinic's home and index pages once; make the home page the default site root."""
    home = HomePage.objects.first()
    if home is None:
        home = _replace_welcome_page(hero_title, hero_text, intro)
    articles = ArticleIndexPage.objects.child_of(home).first() or publish(
        home.add_child(
            instance=ArticleIndexPage(
                title="Articles",
                slug="articles",
                intro=as_editor_stores_it(f"<p>{ARTICLES_INTRO}</p>"),
                search_description=ARTICLES_INTRO,
            )
        )
    )
    treatments = TreatmentIndexPage.objects.child_of(home).first() or publish(
        home.add_child(
            instance=TreatmentIndexPage(
                title="Treatments",
                slug="treatments",
                intro=as_editor_stores_it(f"<p>{TREATMENTS_INTRO}</p>"),
                search_description=TREATMENTS_INTRO,
            )
        )
    )
    return SiteTree(home=home, articles=articles, treatments=treatments)


def _replace_welcome_page(hero_title: str, hero_text: str, intro: str) -> HomePage:
    root = Page.get_first_root_node()
    # Wagtail's install leaves a plain "Welcome" page at the site root; ours takes its place.
    welcome_pages = list(Page.objects.child_of(root).type(Page).exact_type(Page))
    home = root.add_child(
        instance=HomePage(
            title="Home",
            slug="home-new" if any(p.slug == "home" for p in welcome_pages) else "home",
            hero_title=hero_title or "Stronger, steadier backs",
            hero_text=hero_text,
            intro=as_editor_stores_it(intro),
            search_description=hero_text,
        )
    )
    publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.site_name = site.site_name or "Northbridge Spine & Pain Clinic"
        site.save()
    for page in welcome_pages:
        if not Site.objects.filter(root_page=page).exists():
            page.delete()
    if home.slug != "home":
        home.slug = "home"
        home.save_revision().publish()
    return HomePage.objects.get(pk=home.pk)
