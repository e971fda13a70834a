"""The links in the main navigation that depend on who is logged in."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: str = ""  # the aria-current value: "page" on the page itself, "true" below it


def _link(label: str, url_name: str, path: str) -> NavLink:
    url = reverse(url_name)
    if path == url:
        return NavLink(label, url, "page")
    return NavLink(label, url, "true" if path.startswith(url) else "")


def user_nav_links(user, path: str = "") -> list[NavLink]:
    """Patients get their own pages, providers their care plans, editors and reviewers the CMS.

    Anonymous visitors cost no query; a logged-in user one (both profiles in one row). The
    CMS check reuses the permission cache Wagtail's user bar fills on every page.
    """
    if user is None or not user.is_authenticated:
        return []
    patient_id, provider_id = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list("patient_profile__pk", "provider_profile__pk")
        .get()
    )
    links = []
    if patient_id is not None and user.is_active:
        links += [
            _link("My plan", "patientportal:plan", path),
            _link("My reading", "patientportal:reading", path),
            _link("Check-in", "patientportal:check-in", path),
        ]
    if provider_id is not None:
        links.append(_link("Care plans", "careteam:dashboard", path))
    if user.has_perm("wagtailadmin.access_admin"):
        links.append(_link("CMS", "wagtailadmin_home", path))
    return links
