"""The API's routers, each a resource family, in the order the docs list them."""

from ninja import Router

from .items import router as items
from .patient_records import router as patient_records
from .plans import router as plans
from .team import router as team

ROUTERS: list[tuple[str, Router]] = [
    ("/plans", plans),
    ("/plans", items),
    ("/plans", team),
    ("", patient_records),
]
