"""The editors' area of the site: a link to the Wagtail admin for whoever may open it."""

from core.areas import Area

CMS_AREA = Area(
    name="portal",
    label="Content management (Wagtail admin)",
    links=(("CMS", "wagtailadmin_home"),),
    home=None,  # editors and reviewers land on the public site, as everyone else does
    permission="wagtailadmin.access_admin",
    order=90,
)
