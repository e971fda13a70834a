"""Write parsed Markdown articles into Wagtail as ``ArticlePage`` revisions under /articles/."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import replace as replace_fields
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from wagtail.models import Revision

from portal.models import (
    ArticleFaqItem,
    ArticleIndexPage,
    ArticlePage,
    ArticleRelatedArticle,
    Condition,
    ContraindicationTag,
    Topic,
)

from .compare import imported_fields
from .document import (
    BodyBlock,
    Callout,
    FaqItem,
    Heading,
    Paragraph,
    ParsedArticle,
    Quote,
)
from .links import MARKDOWN_SUFFIXES, PageLinks, slug_from_href, with_treatment_pages
from .lookups import find_or_create_person, find_or_create_terms
from .markdown_parser import ArticleParseError, parse_markdown_file
from .report import FileOutcome, ImportReport
from .rich_text import as_editor_stores_it


class ArticleIndexMissing(LookupError):
    """There is no /articles/ page to put imported articles under."""


class ImportNotAllowed(PermissionError):
    """The user named for the import may not add (or publish) articles."""


@dataclass
class _Written:
    article: ParsedArticle
    outcome: FileOutcome
    page: ArticlePage | None = None  # None in a dry run
    # A new page's first revision; None for an article already there, which gets a revision
    # only if the file changes what it says (``before``: its imported fields until now).
    revision: Revision | None = None
    before: dict | None = None


def find_article_index(parent: ArticleIndexPage | None = None) -> ArticleIndexPage:
    if parent is not None:
        specific = parent.specific
        if not isinstance(specific, ArticleIndexPage):
            raise ArticleIndexMissing(f"{parent} is not an article index page")
        return specific
    index = ArticleIndexPage.objects.order_by("path").first()
    if index is None:
        raise ArticleIndexMissing(
            "There is no article index page (/articles/) to import into. "
            "Create one in the Wagtail admin, or run 'manage.py seed_demo', first."
        )
    return index


def collect_markdown_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[Path]]:
    """Markdown files named directly or found in folders, in order; and paths that do not exist."""
    files: list[Path] = []
    missing: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES)
        elif path.exists():
            found = [path]
        else:
            missing.append(path)
            continue
        files += [p for p in found if p not in files]
    return files, missing


class ArticleImporter:
    """Imports files one by one, each in its own savepoint, so one bad file spoils nothing else.

    Pages are saved as new revisions (drafts unless ``publish``); an article already under the
    index with the same slug gets a new revision instead of a duplicate page, or none at all
    when the file says nothing new (``report.unchanged``). Related-article links are resolved
    after every file is in, so files may link to each other in any order. Rich text is stored
    as Wagtail's editor stores it, so opening an imported page in the editor changes nothing.
    """

    def __init__(
        self,
        *,
        publish: bool = False,
        dry_run: bool = False,
        parent: ArticleIndexPage | None = None,
        user: AbstractBaseUser | None = None,
    ) -> None:
        self.publish = publish
        self.dry_run = dry_run
        self.index = find_article_index(parent)
        self.user = user  # named in the page history as the author of each revision
        if user is not None:
            self._check_permissions(user)
        site = self.index.get_site()
        # Links to pages of this site, and the treatment pages treatment cards show.
        self.page_links = PageLinks(site.root_page if site else self.index.get_parent())

    def _check_permissions(self, user: AbstractBaseUser) -> None:
        permissions = self.index.permissions_for_user(user)
        if not permissions.can_add_subpage():
            raise ImportNotAllowed(f"{user} may not add articles under {self.index.title!r}.")
        if self.publish and not permissions.can_publish_subpage():
            raise ImportNotAllowed(
                f"{user} may not publish articles; import them as drafts for review instead."
            )

    def import_files(
        self,
        paths: Iterable[Path | str],
        *,
        progress: Callable[[Path], None] | None = None,
    ) -> ImportReport:
        report = ImportReport(publish=self.publish, dry_run=self.dry_run)
        files, missing = collect_markdown_files(paths)
        report.failed += [FileOutcome(path, reason="no such file or folder") for path in missing]
        written: list[_Written] = []
        sources_by_slug: dict[str, Path] = {}
        for path in files:
            result = self._import_file(path, sources_by_slug, report)
            if result is not None:
                written.append(result)
                sources_by_slug[result.article.slug] = path
            if progress is not None:
                progress(path)
        self._link_and_publish(written, report)
        return report

    def _import_file(
        self, path: Path, sources_by_slug: dict[str, Path], report: ImportReport
    ) -> _Written | None:
        try:
            article = parse_markdown_file(path)
        except ArticleParseError as error:
            report.failed.append(FileOutcome(path, reason=str(error)))
            return None
        if article.slug in sources_by_slug:
            reason = f"same slug as {sources_by_slug[article.slug]}, which was imported instead"
            report.skipped.append(FileOutcome(path, article.slug, article.title, reason=reason))
            return None
        for warning in article.warnings:
            report.warn(path, warning)
        article.body = with_treatment_pages(
            article.body, self.page_links, lambda message: report.warn(path, message)
        )

        existing = ArticlePage.objects.child_of(self.index).filter(slug=article.slug).first()
        outcome = FileOutcome(
            path, article.slug, article.title, existing.pk if existing else None, ""
        )
        if existing is not None and existing.locked:
            report.skipped.append(replace_fields(outcome, reason="page is locked in Wagtail"))
            return None
        if existing is not None and not self._may_edit(existing):
            report.failed.append(replace_fields(outcome, reason="you may not edit this page"))
            return None
        if self.dry_run:
            (report.updated if existing else report.created).append(outcome)
            return _Written(article, outcome)
        try:
            with transaction.atomic():
                written = self._save(article, existing)
        except ValidationError as error:
            report.failed.append(FileOutcome(path, article.slug, reason=_describe(error)))
            return None
        except DatabaseError as error:
            report.failed.append(FileOutcome(path, article.slug, reason=f"database error: {error}"))
            return None
        if existing is None:
            report.created.append(written.outcome)
        return written

    def _may_edit(self, page: ArticlePage) -> bool:
        return self.user is None or page.permissions_for_user(self.user).can_edit()

    def _save(self, article: ParsedArticle, existing: ArticlePage | None) -> _Written:
        """A new page is added with its first revision; an existing one is only filled in
        and checked here, and saved (if it changed) once its links are resolved."""
        if existing is not None:
            page = existing.get_latest_revision_as_object()
            before = imported_fields(page)
            self._fill(page, article)
            _validate_content(page)
            page.full_clean()
            outcome = FileOutcome(article.source, article.slug, article.title, page.pk)
            return _Written(article, outcome, page, before=before)
        page = ArticlePage(live=False)
        self._fill(page, article)
        _validate_content(page)
        # A rolled-back file may have left the in-memory child count ahead of the database.
        self.index.refresh_from_db(fields=["numchild"])
        self.index.add_child(instance=page)
        revision = page.save_revision(user=self.user, log_action=True)
        outcome = FileOutcome(article.source, article.slug, article.title, page.pk)
        return _Written(article, outcome, page, revision)

    def _fill(self, page: ArticlePage, article: ParsedArticle) -> None:
        meta = article.metadata
        page.title = article.title
        page.slug = article.slug
        page.summary = article.summary
        page.publish_date = meta.publish_date or page.publish_date
        page.last_reviewed = meta.last_reviewed
        page.next_review_due = meta.next_review_due
        page.author = find_or_create_person(meta.author) if meta.author else None
        page.medical_reviewer = find_or_create_person(meta.reviewer) if meta.reviewer else None
        page.key_takeaways = [
            {"type": "takeaway", "value": {"lead": item.lead, "text": item.text}}
            for item in article.takeaways
        ]
        page.body = [_body_block(block) for block in article.body]
        page.faq_items = _faq_items(article.faq)
        page.topics = find_or_create_terms(Topic, meta.topics)
        page.conditions = find_or_create_terms(Condition, meta.conditions)
        page.contraindications = find_or_create_terms(ContraindicationTag, meta.contraindications)

    def _link_and_publish(self, written: list[_Written], report: ImportReport) -> None:
        """Link each article to its related articles and to site pages, then publish if asked."""
        batch = {item.article.slug: item.page for item in written}
        page_links = self.page_links
        for item in written:
            path = item.article.source
            targets = []
            for link in item.article.related:
                slug = slug_from_href(link.href)
                target = self._find_article(slug, batch)
                if target is None:
                    report.warn(path, f"related article {link.href!r} is not an imported article")
                elif slug != item.article.slug and target not in targets:
                    targets.append(target)
            if self.dry_run:
                continue
            try:
                with transaction.atomic():
                    self._finish(item, targets, page_links, report)
            except (ValidationError, DatabaseError, PermissionDenied) as error:
                problem = _describe(error) if isinstance(error, ValidationError) else str(error)
                reason = f"saved as a draft, but linking or publishing failed: {problem}"
                report.failed.append(FileOutcome(path, item.article.slug, reason=reason))

    def _find_article(
        self, slug: str, batch: dict[str, ArticlePage | None]
    ) -> ArticlePage | str | None:
        if not slug:
            return None
        if slug in batch:
            return batch[slug] or slug  # a dry run has no pages, only slugs
        return ArticlePage.objects.child_of(self.index).filter(slug=slug).first()

    def _finish(
        self,
        item: _Written,
        targets: list[ArticlePage],
        page_links: PageLinks,
        report: ImportReport,
    ) -> None:
        """Complete the new page's revision (no second revision), or give an existing page a
        revision if the file changed it; then publish if asked."""
        article = item.article
        unmatched: list[str] = []

        def linked(html: str) -> str:
            html, missing = page_links.rewrite(html)
            unmatched.extend(href for href in missing if href not in unmatched)
            return html

        body = [_relink_block(block, linked) for block in article.body]
        faq = [replace_fields(faq, answer_html=linked(faq.answer_html)) for faq in article.faq]
        for href in unmatched:
            report.warn(article.source, f"link {href!r} matches no page on this site; kept as is")

        page = item.revision.as_object() if item.revision is not None else item.page
        page.body = [_body_block(block) for block in body]
        page.faq_items = _faq_items(faq)
        page.related_article_links = [
            ArticleRelatedArticle(article=target, sort_order=order)
            for order, target in enumerate(targets)
        ]
        if item.revision is not None:
            revision = page.save_revision(user=self.user, overwrite_revision=item.revision)
        elif imported_fields(page) != item.before:
            revision = page.save_revision(user=self.user, log_action=True)
            report.updated.append(item.outcome)
        else:
            report.unchanged.append(item.outcome)
            revision = page.latest_revision
            if revision is None or revision.pk == page.live_revision_id:
                return
        if self.publish:
            revision.publish(user=self.user)


def import_markdown_files(
    paths: Iterable[Path | str],
    *,
    publish: bool = False,
    dry_run: bool = False,
    parent: ArticleIndexPage | None = None,
) -> ImportReport:
    """Import Markdown articles under the article index; see :class:`ArticleImporter`."""
    importer = ArticleImporter(publish=publish, dry_run=dry_run, parent=parent)
    return importer.import_files(paths)


def _relink_block(block: BodyBlock, linked: Callable[[str], str]) -> BodyBlock:
    if isinstance(block, Paragraph):
        return replace_fields(block, html=linked(block.html))
    if isinstance(block, Callout):
        return replace_fields(block, body_html=linked(block.body_html))
    return block


def _faq_items(faq: list[FaqItem]) -> list[ArticleFaqItem]:
    return [
        ArticleFaqItem(
            question=item.question, answer=as_editor_stores_it(item.answer_html), sort_order=order
        )
        for order, item in enumerate(faq)
    ]


def _body_block(block: BodyBlock) -> dict:
    if isinstance(block, Heading):
        value = {"text": block.text, "level": block.level, "anchor": ""}
    elif isinstance(block, Paragraph):
        value = as_editor_stores_it(block.html)
    elif isinstance(block, Callout):
        value = {
            "kind": block.kind,
            "title": block.title,
            "body": as_editor_stores_it(block.body_html),
        }
    elif isinstance(block, Quote):
        value = {"text": block.text, "attribution": block.attribution}
    else:  # a TreatmentLink, its page found by links.with_treatment_pages
        value = {"page": block.page_id, "blurb": block.blurb}
    return {"type": block.block_type, "value": value}


def _validate_content(page: ArticlePage) -> None:
    """Check what the page's own validation skips: block limits and the FAQ rows."""
    problems = []
    for name in ("key_takeaways", "body"):
        stream = getattr(page, name)
        try:
            stream.stream_block.clean(stream)
        except ValidationError as error:
            problems += _block_problems(error, name)
    for number, item in enumerate(page.faq_items.all(), start=1):
        try:
            item.full_clean(exclude=["page"])
        except ValidationError as error:
            problems += [
                f"FAQ item {number} {field}: {' '.join(messages)}"
                for field, messages in error.message_dict.items()
            ]
    if problems:
        raise ValidationError("; ".join(problems))


def _block_problems(error: ValidationError, where: str) -> list[str]:
    children = getattr(error, "block_errors", None)
    if not children:
        return [f"{where}: {' '.join(error.messages)}"]
    problems = []
    for key, child in children.items():
        label = f"block {key + 1}" if isinstance(key, int) else key
        problems += _block_problems(child, f"{where} {label}")
    return problems


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
