"""schema.org JSON-LD for medical pages, built as plain dicts and escaped on output."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .text import html_to_text

# Same escapes as Django's json_script: nothing in the data can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def person_ld(person) -> dict[str, Any] | None:
    if person is None:
        return None
    data: dict[str, Any] = {"@type": "Person", "name": person.name}
    if person.credentials:
        data["honorificSuffix"] = person.credentials
    if person.job_title or person.get_role_display():
        data["jobTitle"] = person.job_title or person.get_role_display()
    return data


def medical_web_page_ld(page, request: HttpRequest | None, conditions) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "headline": page.title,
        "name": page.title,
        "description": page.summary,
        "url": page.get_full_url(request),
        "inLanguage": "en-GB",
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "publisher": {"@type": "MedicalOrganization", "name": settings.WAGTAIL_SITE_NAME},
        "about": [{"@type": "MedicalCondition", "name": c.name} for c in conditions],
    }
    published = getattr(page, "publish_date", None) or (
        page.first_published_at.date() if page.first_published_at else None
    )
    optional = {
        "author": person_ld(page.author),
        "reviewedBy": person_ld(page.medical_reviewer),
        "lastReviewed": page.last_reviewed,
        "datePublished": published,
        "dateModified": page.last_published_at,
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def faq_page_ld(faq_items) -> dict[str, Any] | None:
    if not faq_items:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": html_to_text(item.answer)},
            }
            for item in faq_items
        ],
    }


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> element that no value can break out of."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_SCRIPT_ESCAPES)),  # safe: <, > and & are escaped
    )
