"""``manage.py import_articles PATH...``: bring Markdown articles (an old blog) into Wagtail."""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from portal.importing import ArticleImporter, ArticleIndexMissing, ImportNotAllowed
from portal.importing.writer import collect_markdown_files


class Command(BaseCommand):
    help = (
        "Import Markdown files with YAML front matter as article pages under /articles/. "
        "Pages are saved as drafts for medical review unless --publish is given; an article "
        "with the same slug is updated with a new revision (none if the file changed nothing). "
        "Exits non-zero if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Markdown files or folders of .md files.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish straight away, bypassing the review workflow (trusted content only).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Record this user as the author of the new revisions in the page history.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show the progress bar."
        )

    def handle(self, *args, paths, publish, dry_run, user, no_progress, **options):
        try:
            importer = ArticleImporter(
                publish=publish, dry_run=dry_run, user=self._user(user) if user else None
            )
        except (ArticleIndexMissing, ImportNotAllowed) as error:
            raise CommandError(str(error)) from error
        files, _ = collect_markdown_files(paths)
        show_progress = not no_progress and sys.stderr.isatty()
        with tqdm(total=len(files), unit="file", file=sys.stderr, disable=not show_progress) as bar:
            report = importer.import_files(paths, progress=lambda path: bar.update())

        would = "would be " if dry_run else ""
        for verb, outcomes in (
            ("created", report.created),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        ):
            for outcome in outcomes:
                self.stdout.write(f"{would}{verb}: {outcome.path} -> {outcome.slug}")
        for line in report.summary_lines():
            style = self.style.ERROR if line.startswith("FAILED") else None
            self.stdout.write(style(line) if style else line)
        if not report.ok:
            raise CommandError(f"{len(report.failed)} file(s) could not be imported.")

    def _user(self, username: str):
        User = get_user_model()
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
