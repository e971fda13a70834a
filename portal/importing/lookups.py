"""Find the people and taxonomy terms a Markdown file names, creating the missing ones."""

from __future__ import annotations

from django.db.models import Model, Q
from django.utils.text import slugify

from portal.models import Person

HONORIFICS = ("dr", "prof", "professor", "mr", "mrs", "ms", "mx")

ROLE_BY_CREDENTIAL = {
    "MD": Person.Role.PHYSICIAN,
    "DO": Person.Role.PHYSICIAN,
    "MBBS": Person.Role.PHYSICIAN,
    "MBCHB": Person.Role.PHYSICIAN,
    "DPT": Person.Role.PHYSICAL_THERAPIST,
    "PT": Person.Role.PHYSICAL_THERAPIST,
    "MCSP": Person.Role.PHYSICAL_THERAPIST,
    "PSYD": Person.Role.PSYCHOLOGIST,
    "DCLINPSY": Person.Role.PSYCHOLOGIST,
    "RN": Person.Role.NURSE,
    "NP": Person.Role.NURSE,
}


def split_byline(byline: str) -> tuple[str, str]:
    """``"Dr Hannah Lee, MD"`` → ``("Dr Hannah Lee", "MD")``."""
    name, _, credentials = byline.partition(",")
    return " ".join(name.split()), " ".join(credentials.split())


def without_honorific(name: str) -> str:
    first, _, rest = name.partition(" ")
    return rest if rest and first.lower().rstrip(".") in HONORIFICS else name


def role_for(credentials: str) -> str:
    for credential in credentials.replace(",", " ").split():
        role = ROLE_BY_CREDENTIAL.get(credential.upper().replace(".", ""))
        if role:
            return role
    return Person.Role.OTHER


def find_person(byline: str) -> Person | None:
    name, _ = split_byline(byline)
    plain = without_honorific(name)
    return (
        Person.objects.filter(
            Q(slug__in={slugify(name), slugify(plain)})
            | Q(name__iexact=name)
            | Q(name__iexact=plain)
        )
        .order_by("pk")
        .first()
    )


def find_or_create_person(byline: str) -> Person:
    person = find_person(byline)
    if person is not None:
        return person
    name, credentials = split_byline(byline)
    return Person.objects.create(
        name=name,
        slug=_free_slug(Person, slugify(name)),
        credentials=credentials,
        role=role_for(credentials),
    )


def find_term(model: type[Model], name: str) -> Model | None:
    return model.objects.filter(Q(slug=slugify(name)) | Q(name__iexact=name)).order_by("pk").first()


def find_or_create_terms(model: type[Model], names: list[str]) -> list[Model]:
    """Topics, conditions or contraindication tags by name; the slug comes from the name."""
    terms = []
    for name in names:
        term = find_term(model, name) or model.objects.create(
            name=name, slug=_free_slug(model, slugify(name))
        )
        if term not in terms:
            terms.append(term)
    return terms


def _free_slug(model: type[Model], base: str) -> str:
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
