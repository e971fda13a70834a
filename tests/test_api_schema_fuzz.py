"""The JSON API under property-based tests: schemathesis generates requests from the API's own
OpenAPI schema, valid and invalid ones, and sends them through Django's WSGI app in-process,
with the plan's lead's API token or the plan's patient's. Whatever comes in, the API answers
with no 5xx, a status the schema documents, the content type it documents and a body that
matches the schema (issue 12, "Robustness").

A request aims either where schemathesis aimed it (random ids: mostly "not found") or at the
plan's real records, and then sometimes with the ``If-Match`` of their current version, so
that the generated bodies reach the services that change things. The number of examples is
bounded (``EXAMPLES`` per operation; shrinking is off) so the file runs in about a minute on
SQLite.

What the fuzzer reaches only now and then is asked every time at the end: a PATCH that sends
null for each field its schema lists, and a PATCH whose body is not a JSON object.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.db.models import Model
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.etags import etag
from api.main import api
from api.tokens import create_token
from careteam.models import Activity, CarePlan, Goal, Precaution
from careteam.services import add_precaution
from patientportal.models import RedFlag, RedFlagAlert
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import ODI, PHQ9
from tests.careteam_domain_fixtures import CareTeam
from tests.patient_fixtures import activate_plan, fill_plan, give_login

EXAMPLES = 12
CALLERS = ("lead", "patient")
# Where a request aims: as generated, at the plan's real records, or at them with the
# If-Match of their current version (the only way a generated change can be saved).
AIMS = ("as generated", "real records", "real records, current version")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

ITEM_MODELS = (("goal_id", Goal), ("activity_id", Activity), ("precaution_id", Precaution))

FUZZ_CONFIG = schemathesis.Config.from_dict(
    {
        # Generated cases only: the coverage phase sends every boundary of every field,
        # which is thorough but takes minutes; the schema has no examples of its own.
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
        "generation": {"mode": "all"},
    }
)
SCHEMA = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
schema = schemathesis.openapi.from_dict(SCHEMA, config=FUZZ_CONFIG)
WSGI_APP = get_wsgi_application()


@dataclass
class FuzzWorld:
    team: CareTeam
    plan: CarePlan
    secrets: dict[str, str]

    def real_ids(self) -> dict[str, Any]:
        """The plan's records as they are now (an earlier example may have deleted some)."""
        plan = self.plan
        return {
            "plan_id": plan.pk,
            "goal_id": _first_pk(Goal.objects.filter(section__plan=plan)),
            "activity_id": _first_pk(Activity.objects.filter(section__plan=plan)),
            "precaution_id": _first_pk(Precaution.objects.filter(plan=plan)),
            "alert_id": _first_pk(RedFlagAlert.objects.filter(plan=plan)),
            "username": self.team.contributor.username,
            "code": ODI.code,
        }


def _first_pk(queryset) -> int:
    return queryset.order_by("pk").values_list("pk", flat=True).first() or 1


def changed_record(path_parameters: dict[str, Any], world: FuzzWorld) -> Model:
    """The record a change to this path changes: the item it names, else the plan."""
    for name, model in ITEM_MODELS:
        if name in path_parameters:
            return model.objects.filter(pk=path_parameters[name]).first() or world.plan
    world.plan.refresh_from_db()
    return world.plan


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI app inside the test's transaction, as Django's test client
    sends them: the connection is not closed at each request's start and end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def server_errors_raise(settings) -> None:
    """A server error raises with its traceback instead of becoming a bare 500."""
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True


@pytest.fixture
def fuzz_world(care_team: CareTeam, in_process_requests) -> FuzzWorld:
    """The care team's plan, active, with goals, activities (some hidden from the patient),
    a precaution, notes, check-ins, questionnaire results (the PHQ-9's total and answers
    hidden from the lead) and an open red-flag alert; an API token for its lead and one for
    its patient. (Assigned reading needs the content site, which costs a second a test:
    tests/test_api_matrix.py reads it.)"""
    plan = activate_plan(care_team.plan)
    add_precaution(plan, care_team.lead, description="No end-range stretching")
    fill_plan(plan, care_team.lead, care_team.physio, care_team.mental_health, "FUZZ")
    patient_user = give_login(plan, care_team.lead, "pat.fuzz@example.com")
    record_check_in(plan.patient, patient_user, pain_score=4, note="Better after walking")
    record_check_in(
        plan.patient, patient_user, pain_score=8, red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS]
    )
    record_questionnaire(plan.patient, patient_user, ODI, dict.fromkeys(ODI.item_keys, 2))
    record_questionnaire(plan.patient, patient_user, PHQ9, dict.fromkeys(PHQ9.item_keys, 0))
    secrets = {
        "lead": create_token(care_team.lead, name="EHR bridge", days=30).secret,
        "patient": create_token(patient_user, name="Health app", days=30).secret,
    }
    return FuzzWorld(care_team, plan, secrets)


def test_the_schema_fuzzed_here_is_the_one_the_api_serves(db):
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json() == SCHEMA


@schema.parametrize()
@schema.given(caller=st.sampled_from(CALLERS), aim=st.sampled_from(AIMS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written to the working tree; a failure prints its example
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_generated_request_gets_a_server_error_or_an_answer_off_the_schema(
    case, caller: str, aim: str, fuzz_world: FuzzWorld, server_errors_raise
):
    cache.clear()  # the per-token rate limit is not what is tested here
    # Assigned, not passed to the call, so that schemathesis re-judges what it generated:
    # a case that was invalid only in what is replaced here is a valid one now.
    headers = {"Authorization": f"Bearer {fuzz_world.secrets[caller]}"}
    checks = CHECKS
    if aim != "as generated" and case.path_parameters:
        real = fuzz_world.real_ids()
        case.path_parameters = {name: real[name] for name in case.path_parameters}
        if aim == "real records, current version":
            headers["If-Match"] = etag(changed_record(case.path_parameters, fuzz_world))
        if negated_in_path(case):
            checks = [check for check in CHECKS if check is not negative_data_rejection]
    case.headers = {**(case.headers or {}), **headers}
    case.call_and_validate(app=WSGI_APP, checks=checks)


def negated_in_path(case) -> bool:
    """Whether schemathesis made this case invalid in its path. Aimed at the real records,
    its path is valid again, but schemathesis still counts the path among what it
    negated, and so expects a refusal of what is left: extra query parameters, which the
    API ignores as most do (and as schemathesis itself accepts when they are all that is
    invalid). Such a case is judged by every other check."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    path = meta.components.get(ParameterLocation.PATH)
    targeted = {
        mutation.parameter_location for mutation in getattr(meta.phase.data, "mutations", ())
    }
    return (path is not None and path.mode.is_negative) or ParameterLocation.PATH in targeted


# --- What the fuzzer finds only now and then, asked every time -------------------------


def patch_operations() -> list[tuple[str, list[str]]]:
    """Each PATCH path in the schema with the fields its body may carry."""
    operations = []
    for path, methods in SCHEMA["paths"].items():
        if "patch" in methods:
            body = methods["patch"]["requestBody"]["content"]["application/json"]["schema"]
            fields = SCHEMA["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
            operations.append((path, sorted(fields["properties"])))
    return operations


def path_ids(path: str, world: FuzzWorld) -> dict[str, Any]:
    """The real records' ids for the parameters in ``path``."""
    return {name: value for name, value in world.real_ids().items() if f"{{{name}}}" in path}


def send_change(world: FuzzWorld, path: str, body: str):
    """A PATCH as the lead, with the current version, through the test client (a server
    error is answered as a 500 here, not raised)."""
    parameters = path_ids(path, world)
    return Client(raise_request_exception=False).patch(
        path.format(**parameters),
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.secrets['lead']}",
        HTTP_IF_MATCH=etag(changed_record(parameters, world)),
    )


def test_a_change_that_sends_null_for_any_field_is_never_a_server_error(fuzz_world: FuzzWorld):
    problems = []
    for path, fields in patch_operations():
        for name in fields:
            with transaction.atomic():
                response = send_change(fuzz_world, path, json.dumps({name: None}))
                transaction.set_rollback(True)
            if response.status_code not in (200, 400, 422):
                problems.append(f"PATCH {path} {{{name!r}: null}}: {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("body", ['"plain words"', "[]", "1", "null"])
def test_a_change_whose_body_is_not_an_object_is_refused_and_changes_nothing(
    fuzz_world: FuzzWorld, body: str
):
    problems = []
    for path, _ in patch_operations():
        with transaction.atomic():
            before = changed_record(path_ids(path, fuzz_world), fuzz_world).version
            response = send_change(fuzz_world, path, body)
            after = changed_record(path_ids(path, fuzz_world), fuzz_world)
            after.refresh_from_db()
            transaction.set_rollback(True)
        if response.status_code != 422 or after.version != before:
            problems.append(
                f"PATCH {path} with {body}: {response.status_code}, version {before} -> "
                f"{after.version}"
            )
    assert not problems, "\n".join(problems)
