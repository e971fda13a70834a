"""QuestionnaireResponse: one completed questionnaire of any instrument
(``QuestionnaireResponse/<code>-<result id>``: ``odi-12``, ``phq9-40``).

``questionnaire`` is the canonical of our own paraphrase of the instrument
(``codes.QUESTIONNAIRES``); ``status`` (questionnaire-answers-status, required) is
"completed". Each question is an item (its key as ``linkId``) with the value chosen
(``valueInteger``); a skipped one has no answer, as FHIR asks. A patient-named activity (the
PSFS) is a group of its name (``valueString``) and its rating; an empty slot is left out.
Then the band, for an instrument that has bands (``<code>-band``, the label as stored), and
the total (``<code>-score``).

``masked``: the reader may see only that it was done and its band (a mental-health
questionnaire, to a team member the policy does not let see more): no answers and no total,
and ``meta.security`` says so."""

from __future__ import annotations

from typing import Any

from patientportal.models import QuestionnaireResult
from patientportal.services.questionnaires import as_number
from questionnaires.instruments import ActivityItem, Instrument, Item, Method

from .codes import QUESTIONNAIRES, REDACTED
from .references import instant, patient_reference, questionnaire_prefix


def _number(value: object) -> dict[str, Any] | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"valueInteger": value}
    return None


def _item(item: Item, answer: object) -> dict[str, Any] | None:
    if isinstance(item, ActivityItem):
        if not isinstance(answer, dict) or _number(answer.get("rating")) is None:
            return None
        return {
            "linkId": item.key,
            "text": item.text,
            "item": [
                {
                    "linkId": f"{item.key}.name",
                    "text": "Activity",
                    "answer": [{"valueString": str(answer.get("name", ""))}],
                },
                {
                    "linkId": f"{item.key}.rating",
                    "text": f"How well it can be done ({item.minimum} to {item.maximum})",
                    "answer": [_number(answer["rating"])],
                },
            ],
        }
    value = _number(answer)
    return {"linkId": item.key, "text": item.text} | ({"answer": [value]} if value else {})


def _total_text(instrument: Instrument) -> str:
    name = instrument.total_code.display if instrument.total_code else instrument.short_title
    return name + (" (percent)" if instrument.method is Method.PERCENT_OF_POSSIBLE else "")


def _total(value: int | float) -> dict[str, Any]:
    return {"valueInteger": value} if isinstance(value, int) else {"valueDecimal": value}


def questionnaire_response_resource(
    result: QuestionnaireResult, *, masked: bool = False
) -> dict[str, Any]:
    instrument = result.definition
    code = instrument.code
    answers = result.answers if isinstance(result.answers, dict) else {}
    items = (
        []
        if masked
        else [
            found
            for found in (_item(item, answers.get(item.key)) for item in instrument.items)
            if found is not None
        ]
    )
    if result.band:
        items.append(
            {
                "linkId": f"{code}-band",
                "text": "What the score means",
                "answer": [{"valueString": result.band}],
            }
        )
    if not masked:
        items.append(
            {
                "linkId": f"{code}-score",
                "text": _total_text(instrument),
                "answer": [_total(as_number(result.score))],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"{questionnaire_prefix(code)}{result.pk}",
        "questionnaire": QUESTIONNAIRES[code],
        "status": "completed",
        "subject": patient_reference(result.patient_id),
        "authored": instant(result.completed_at),
        "author": patient_reference(result.patient_id),
        "source": patient_reference(result.patient_id),
    }
    if masked:
        resource["meta"] = {"security": [REDACTED.coding()]}
    if items:
        resource["item"] = items
    return resource
