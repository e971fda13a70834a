"""The security headers every response carries, imported by ``base.py``: read them here,
change them here (``production.py`` adds ``upgrade-insecure-requests``, and the media
storage's address to ``img-src`` when media live in S3).

- ``CONTENT_SECURITY_POLICY`` (django-csp 4): the site's own pages. No ``'unsafe-inline'``:
  a template that needs an inline ``<script>`` or ``<style>`` gives it
  ``nonce="{{ request.csp_nonce }}"`` and the nonce joins the header of that response only.
- ``CONTENT_SECURITY_POLICY_ADMIN``: the Wagtail admin under ``PATH_PREFIXES``, which still
  needs inline scripts and styles (wagtail#1288); chosen by
  ``core.middleware.ContentSecurityPolicyMiddleware``.
- ``PERMISSIONS_POLICY`` (django-permissions-policy): browser features no page here uses.
- ``CROSS_ORIGIN_RESOURCE_POLICY`` (``core.middleware.CrossOriginResourcePolicyMiddleware``)
  and Django's ``SECURE_CROSS_ORIGIN_OPENER_POLICY``.
- ``WAGTAIL_GRAVATAR_PROVIDER_URL``: off, so the admin loads no third-party images.
"""

from typing import Any

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_ADMIN",
    "PERMISSIONS_POLICY",
    "CROSS_ORIGIN_RESOURCE_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "WAGTAIL_GRAVATAR_PROVIDER_URL",
]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# No NONCE here: a nonce in a directive makes browsers ignore its 'unsafe-inline'.
CONTENT_SECURITY_POLICY_ADMIN = {
    "PATH_PREFIXES": ["/cms/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        # Image previews before upload are blob: URLs.
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        # The live preview pane is a frame of the admin's own pages.
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

# The admin shows staff avatars from gravatar.com unless told not to: its policy would block
# them, and each would tell a third party who works here.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Nothing here uses these; an embedded frame cannot ask for them either. Only features
# Chromium knows (tests/browser fail on its "Unrecognized feature" console warning). WebAuthn
# (publickey-credentials-*) is left alone for a second login factor.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Other sites may neither load our responses as sub-resources nor keep a handle on our
# windows.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def upgrading_insecure_requests(policy: dict[str, Any]) -> dict[str, Any]:
    """A copy of a django-csp policy setting with ``upgrade-insecure-requests`` (HTTPS only)."""
    return {**policy, "DIRECTIVES": {**policy["DIRECTIVES"], "upgrade-insecure-requests": True}}


def allowing_images_from(policy: dict[str, Any], origin: str) -> dict[str, Any]:
    """A copy of a django-csp policy setting whose ``img-src`` also allows ``origin`` (media in
    S3-compatible storage, ``production.py``)."""
    directives = policy["DIRECTIVES"]
    return {**policy, "DIRECTIVES": {**directives, "img-src": [*directives["img-src"], origin]}}
