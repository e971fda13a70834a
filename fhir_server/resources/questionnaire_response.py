"""QuestionnaireResponse: one completed Oswestry Disability Index
(``QuestionnaireResponse/odi-<response id>``).

``questionnaire`` is the canonical of our own paraphrase of ODI 2.1a
(``codes.ODI_QUESTIONNAIRE``); ``status`` (questionnaire-answers-status, required) is
"completed". Each answered section is an item (its key as ``linkId``) with the statement
chosen as its score 0-5; a skipped section has no answer, as FHIR asks."""

from __future__ import annotations

from typing import Any

from patientportal.models import OdiResponse
from patientportal.odi import SECTIONS

from .codes import ODI_PANEL, ODI_QUESTIONNAIRE
from .references import ODI_PREFIX, instant, patient_reference


def _item(key: str, title: str, answer: object) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": key, "text": title}
    if isinstance(answer, int) and not isinstance(answer, bool):
        item["answer"] = [{"valueInteger": answer}]
    return item


def questionnaire_response_resource(response: OdiResponse) -> dict[str, Any]:
    answers = response.answers if isinstance(response.answers, dict) else {}
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"{ODI_PREFIX}{response.pk}",
        "questionnaire": ODI_QUESTIONNAIRE,
        "status": "completed",
        "subject": patient_reference(response.patient_id),
        "authored": instant(response.completed_at),
        "author": patient_reference(response.patient_id),
        "source": patient_reference(response.patient_id),
        "item": [
            *(_item(section.key, section.title, answers.get(section.key)) for section in SECTIONS),
            {
                "linkId": "odi-score",
                "text": ODI_PANEL.display + " (percent)",
                "answer": [{"valueInteger": response.score}],
            },
        ],
    }
