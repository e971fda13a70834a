"""Which published pages are overdue for medical review, and telling the reviewers."""

from __future__ import annotations

import datetime
from itertools import chain

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone

from portal.models import ArticlePage, TreatmentPage

from .review_workflow import MEDICAL_REVIEWERS


def overdue_pages(today: datetime.date | None = None) -> list[ArticlePage | TreatmentPage]:
    """Live pages whose next review date is before today, most overdue first."""
    today = today or timezone.localdate()
    pages = chain.from_iterable(
        model.objects.live()
        .filter(next_review_due__lt=today)
        .defer_streamfields()
        .order_by("next_review_due")
        for model in (ArticlePage, TreatmentPage)
    )
    return sorted(pages, key=lambda page: (page.next_review_due, page.title))


def reviewer_emails() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(groups__name=MEDICAL_REVIEWERS, is_active=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def email_overdue_reviews(pages) -> list[str]:
    """Send the overdue list to the medical reviewers; return who it went to."""
    recipients = reviewer_emails()
    if not pages or not recipients:
        return []
    lines = [
        f"- {page.title} (review due {page.next_review_due:%d %B %Y}): {page.full_url}"
        for page in pages
    ]
    subject = f"{len(pages)} patient page(s) overdue for medical review"
    message = (
        "These published pages have passed their review date. Please check them and "
        "update the review dates:\n\n" + "\n".join(lines) + "\n"
    )
    for recipient in recipients:  # one message each: reviewers do not see each other's address
        send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [recipient])
    return recipients
