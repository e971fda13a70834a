"""List published patient material whose medical review date has passed."""

from django.core.management.base import BaseCommand

from portal.services.review import email_overdue_reviews, overdue_pages


class Command(BaseCommand):
    help = "List live articles and treatment pages whose next review date has passed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--email",
            action="store_true",
            help="Also email the list to every active member of the Medical reviewers group.",
        )

    def handle(self, *args, email: bool = False, **options):
        pages = overdue_pages()
        if not pages:
            self.stdout.write(self.style.SUCCESS("No published page is overdue for review."))
            return
        self.stdout.write(f"{len(pages)} page(s) overdue for medical review:")
        for page in pages:
            self.stdout.write(f"  {page.next_review_due:%Y-%m-%d}  {page.title}  {page.full_url}")
        if email:
            sent_to = email_overdue_reviews(pages)
            if sent_to:
                self.stdout.write(f"Emailed {len(sent_to)} medical reviewer(s).")
            else:
                self.stderr.write("No medical reviewer has an email address; nothing sent.")
