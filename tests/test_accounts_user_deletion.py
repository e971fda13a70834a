"""Deleting a user in the Wagtail admin: a login the audit trail (or another kept record)
points to is refused with advice to deactivate it, never a 500; any other is deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.services import record_event
from tests.careteam_domain_fixtures import make_user

pytestmark = pytest.mark.django_db

DEACTIVATE = "Deactivate the account instead"


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(make_user("t.admin", is_superuser=True, is_staff=True))
    return client


def in_the_audit_trail(username: str):
    user = make_user(username)
    record_event(user, AuditAction.VIEWED, None, detail={"what": "dashboard"})
    return user


def exists(user) -> bool:
    return get_user_model().objects.filter(pk=user.pk).exists()


def delete_url(user) -> str:
    return reverse("wagtailusers_users:delete", args=[user.pk])


def test_deleting_a_user_in_the_audit_trail_is_refused_with_advice_to_deactivate(admin_client):
    user = in_the_audit_trail("t.leaver")
    edit_url = reverse("wagtailusers_users:edit", args=[user.pk])
    for method in (admin_client.get, admin_client.post):
        response = method(delete_url(user))
        assert response.status_code == 302
        assert response["Location"] == edit_url
    assert exists(user)
    page = admin_client.get(edit_url).content.decode()
    assert "“t.leaver” cannot be deleted: they appear in the audit trail" in page
    assert DEACTIVATE in page
    refusal = AuditEvent.objects.filter(
        action=AuditAction.DENIED, target_object_id=str(user.pk)
    ).latest("pk")
    assert refusal.actor_username == "t.admin"
    assert refusal.detail["reason"].startswith("user not deleted: they appear in the audit trail")


def test_a_user_other_kept_records_point_to_is_refused_too(admin_client, care_team):
    member = care_team.physio
    assert not AuditEvent.objects.filter(actor=member).exists()
    response = admin_client.post(delete_url(member), follow=True)
    assert response.status_code == 200
    assert "records that must be kept" in response.content.decode()
    assert exists(member)


def test_a_user_with_no_kept_records_is_deleted(admin_client):
    user = make_user("t.mistake")
    response = admin_client.post(delete_url(user))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailusers_users:index")
    assert not exists(user)


def test_a_bulk_delete_with_a_kept_user_deletes_nobody(admin_client):
    kept = in_the_audit_trail("t.kept")
    spare = make_user("t.spare")
    url = reverse("wagtail_bulk_action", args=("auth", "user", "delete"))
    query = f"?id={kept.pk}&id={spare.pk}&next={reverse('wagtailusers_users:index')}"
    response = admin_client.post(url + query, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No user was deleted: “t.kept” must be kept" in html and DEACTIVATE in html
    assert exists(kept) and exists(spare)
    # Without the kept one, the others go as before.
    admin_client.post(f"{url}?id={spare.pk}")
    assert not exists(spare)
