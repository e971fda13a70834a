"""The editors' area of the site: a link to the Wagtail admin for whoever may open it, and
where editors and reviewers land after logging in (they come to write and review)."""

from core.areas import Area

CMS_AREA = Area(
    name="portal",
    label="Content management (Wagtail admin)",
    links=(("CMS", "wagtailadmin_home"),),
    home="wagtailadmin_home",
    permission="wagtailadmin.access_admin",
    order=90,
)
