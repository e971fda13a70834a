"""/my/plan/: the patient's own plan in plain words, nothing more."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_patient_sees_their_plan_in_plain_words(client, portal_world):
    client.force_login(portal_world.patient_user)
    response = client.get(reverse("patientportal:plan"))
    assert response.status_code == 200
    html = response.content.decode()
    assert portal_world.plan.title in html
    assert "ALEX walk 30 minutes without a flare" in html
    assert "ALEX dead bug core hold" in html
    assert "Daily, 10 minutes" in html
    assert "ALEX paced breathing" in html
    assert "No deep or end-range stretching" in html
    assert "Your pain doctor" in html
    assert "Your physical therapist" in html
    assert "Get urgent help now" in html
    for secret in ("HIDDEN", "TEAM NOTE", "PRIVATE NOTE", "OTHER"):
        assert secret not in html
    assert AuditEvent.objects.filter(
        actor=portal_world.patient_user, action="viewed", care_plan_id=portal_world.plan.pk
    ).exists()
