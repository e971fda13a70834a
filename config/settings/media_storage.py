"""Media (Wagtail's images and documents) in S3-compatible storage, so that every web machine
reads and writes the same files: ``production.py`` uses it when ``MEDIA_S3_BUCKET`` is set.

- ``S3Media.from_env()``: the bucket, ``MEDIA_S3_ENDPOINT_URL`` (MinIO, Ceph, a hosting
  company's S3; unset for Amazon S3), ``MEDIA_S3_REGION``, ``MEDIA_S3_CUSTOM_DOMAIN`` and
  ``MEDIA_S3_URL_EXPIRY_SECONDS``. The keys are boto3's own: ``AWS_ACCESS_KEY_ID`` and
  ``AWS_SECRET_ACCESS_KEY`` from the environment, or the machine's role.
- ``storage()``: django-storages' ``S3Storage`` options. Objects are written with no ACL, so
  they stay as private as the bucket (keep it private: documents may sit in private
  collections); nothing is ever made public-read. Links to images are signed and expire
  (``querystring_auth``), unless a custom domain (a CDN allowed to read the image folders)
  serves them. Uploads with an existing name get a new one, never overwrite.
- ``origin``: where browsers fetch images from, for the Content-Security-Policy.

Documents never link to the bucket: ``production.py`` sets ``WAGTAILDOCS_SERVE_METHOD`` to
``serve_view``, so ``/documents/`` checks the collection's privacy and streams the file
through the app every time; a signed link could be passed on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .env import env_int, env_str

S3_STORAGE = "storages.backends.s3.S3Storage"
# SigV4 signatures last at most a week.
LONGEST_SIGNED_URL_SECONDS = 7 * 24 * 60 * 60
# Two days: longer than a cached page lives with the defaults (PAGECACHE_TIMEOUT +
# PAGECACHE_STALE_IF_ERROR + PAGECACHE_MAX_AGE, about one day), so no page the page cache
# or a proxy may still serve links to an expired image.
DEFAULT_SIGNED_URL_SECONDS = 2 * 24 * 60 * 60


@dataclass(frozen=True)
class S3Media:
    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    custom_domain: str | None = None
    url_expiry: int = DEFAULT_SIGNED_URL_SECONDS

    @classmethod
    def from_env(cls) -> S3Media | None:
        bucket = env_str("MEDIA_S3_BUCKET", "")
        if not bucket:
            return None
        return cls(
            bucket=bucket,
            endpoint_url=env_str("MEDIA_S3_ENDPOINT_URL") or None,
            region=env_str("MEDIA_S3_REGION") or None,
            custom_domain=env_str("MEDIA_S3_CUSTOM_DOMAIN") or None,
            url_expiry=env_int("MEDIA_S3_URL_EXPIRY_SECONDS", DEFAULT_SIGNED_URL_SECONDS),
        )

    def check(self, page_lifetime: int) -> None:
        """ImproperlyConfigured unless Amazon S3 has its region, signed links outlive a
        cached page (``page_lifetime`` seconds) and a signature can last that long."""
        if not self.endpoint_url and not self.region:
            raise ImproperlyConfigured("MEDIA_S3_REGION is required for Amazon S3.")
        if not self.custom_domain and not page_lifetime <= self.url_expiry:
            raise ImproperlyConfigured(
                f"MEDIA_S3_URL_EXPIRY_SECONDS ({self.url_expiry}) must be at least "
                f"{page_lifetime}: cached pages would link to expired images."
            )
        if self.url_expiry > LONGEST_SIGNED_URL_SECONDS:
            raise ImproperlyConfigured(
                f"MEDIA_S3_URL_EXPIRY_SECONDS may be at most {LONGEST_SIGNED_URL_SECONDS}."
            )

    @property
    def _endpoint(self) -> str:
        """A given endpoint is addressed by path (every S3-compatible server understands
        that); Amazon's regional endpoint by bucket host name."""
        return self.endpoint_url or f"https://s3.{self.region}.amazonaws.com"

    @property
    def origin(self) -> str:
        """Where image links point: the custom domain, the endpoint, or the bucket's host."""
        if self.custom_domain:
            return f"https://{self.custom_domain}"
        parts = urlsplit(self._endpoint)
        if self.endpoint_url:
            return f"{parts.scheme}://{parts.netloc}"
        return f"{parts.scheme}://{self.bucket}.{parts.netloc}"

    def storage(self) -> dict[str, Any]:
        """The ``STORAGES["default"]`` entry."""
        return {
            "BACKEND": S3_STORAGE,
            "OPTIONS": {
                "bucket_name": self.bucket,
                "endpoint_url": self._endpoint,
                "region_name": self.region,
                "addressing_style": "path" if self.endpoint_url else "virtual",
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": self.url_expiry,
                "custom_domain": self.custom_domain,
                "file_overwrite": False,
            },
        }
