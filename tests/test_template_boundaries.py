"""One app's pages use another app's parts through that app's template tags, never by
naming its templates: a page app (careteam, the patient portal, ...) may rename or
reshape its own partials without breaking pages elsewhere. Apps that exist to offer
parts (all their templates under ``<app>/includes/``: core, audit, questionnaires) may be
included by name. Extending another app's layout is how a page joins that area, and is
not checked here."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

INCLUDE = re.compile(r"""{%\s*include\s+["']([\w-]+)/([^"']+)["']""")


def _template_dirs() -> dict[str, tuple[str, Path]]:
    """Each template folder of the project's apps, by its namespace (the folder's name),
    with the app that owns it."""
    found = {}
    for config in apps.get_app_configs():
        if ".venv" in config.path or "site-packages" in config.path:
            continue
        root = Path(config.path) / "templates"
        for folder in root.glob("*/") if root.is_dir() else []:
            found[folder.name] = (config.label, folder)
    return found


def _offers_parts_only(folder: Path) -> bool:
    return all(path.relative_to(folder).parts[0] == "includes" for path in folder.rglob("*.html"))


def _reaching_includes() -> list[str]:
    dirs = _template_dirs()
    reaching = []
    for app, folder in dirs.values():
        for path in folder.rglob("*.html"):
            for other, name in INCLUDE.findall(path.read_text()):
                if other not in dirs:
                    continue
                owner, other_folder = dirs[other]
                if owner != app and not _offers_parts_only(other_folder):
                    reaching.append(f"{path.relative_to(folder.parent)} includes {other}/{name}")
    return reaching


def test_no_app_includes_another_page_apps_templates_by_name():
    assert _reaching_includes() == []


def test_the_care_team_and_patient_portal_templates_are_found_and_checked():
    dirs = _template_dirs()

    assert {"careteam", "patientportal", "exercises", "core"} <= dirs.keys()
    assert not _offers_parts_only(dirs["careteam"][1])
    assert _offers_parts_only(dirs["core"][1])


def test_an_include_is_read_as_the_namespace_and_the_name_it_names():
    assert INCLUDE.findall('{% include "careteam/includes/plan_header.html" %}') == [
        ("careteam", "includes/plan_header.html")
    ]
