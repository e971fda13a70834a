"""Calling the JSON API in tests, as a system with a token would:

api = token_client(user)                       # Authorization: Bearer <a new token>
response = api.get(f"/api/v1/plans/{plan.pk}")
api.patch(url, {"title": "New"}, etag=response["ETag"])   # JSON, If-Match
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from api.tokens import create_token


class ApiClient(Client):
    """A Django test client that sends JSON bodies and, for changes, ``If-Match``."""

    def _send(self, method: str, path: str, data: Any = None, etag: str | None = None, **extra):
        if etag is not None:
            extra["HTTP_IF_MATCH"] = etag
        call = getattr(super(), method)
        if data is None:
            return call(path, **extra)
        return call(path, data=data, content_type="application/json", **extra)

    def post(self, path, data=None, etag=None, **extra):  # type: ignore[override]
        return self._send("post", path, data, etag, **extra)

    def patch(self, path, data=None, etag=None, **extra):  # type: ignore[override]
        return self._send("patch", path, data, etag, **extra)

    def delete(self, path, data=None, etag=None, **extra):  # type: ignore[override]
        return self._send("delete", path, data, etag, **extra)


def token_client(user, *, name: str = "Test system", days: int = 30) -> ApiClient:
    made = create_token(user, name=name, days=days)
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
