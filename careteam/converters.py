"""URL converters of the /care/ pages. Importing this module registers ``<id:...>``:
careteam/urls.py does, and so does config/urls.py before its own ``<id:...>`` routes."""

from django.urls import register_converter


class RecordIdConverter:
    """A positive database id. Longer numbers could not be ids (bigint), so such URLs are
    a plain 404 instead of reaching the database."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordIdConverter, "id")
