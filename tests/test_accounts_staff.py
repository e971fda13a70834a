"""One definition of staff (accounts.staff.is_staff) for the staff password length, the staff
idle timeout and the second factor staff must use: providers, editors, Django staff and
superusers, and the privacy officers, who read every plan's audit trail."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from accounts.staff import is_staff
from audit.privacy import PRIVACY_OFFICERS_GROUP
from careteam.models import Discipline
from tests.accounts_helpers import attempt
from tests.careteam_domain_fixtures import make_provider, make_user
from tests.mfa_fixtures import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SETUP_URL = reverse("mfa:setup")
STRONG_11 = "vq7#Lm2!xRz"
STRONG_12 = "vq7#Lm2!xRzK"
MFA_REQUIRED = override_settings(MFA_REQUIRED_FOR_STAFF=True)


def make_privacy_officer(username: str = "t.officer"):
    user = make_user(username)
    user.groups.add(Group.objects.get_or_create(name=PRIVACY_OFFICERS_GROUP)[0])
    return user


def editor():
    user = make_user("t.editor")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


def logged_in(user) -> Client:
    client = Client()
    assert attempt(client, user.get_username(), TEST_PASSWORD).status_code == 302
    return client


def test_providers_editors_privacy_officers_django_staff_and_superusers_are_staff():
    assert is_staff(make_provider("t.physio", Discipline.PHYSICAL_THERAPY))
    assert is_staff(editor())
    assert is_staff(make_privacy_officer())
    assert is_staff(make_user("t.flag", is_staff=True))
    assert is_staff(make_user("t.root", is_superuser=True))


def test_patients_other_groups_and_anonymous_visitors_are_not_staff(portal_world):
    other_group = make_user("t.grouped")
    other_group.groups.add(Group.objects.create(name="Book club"))
    assert not is_staff(portal_world.patient_user)
    assert not is_staff(other_group)
    assert not is_staff(make_user("t.plain"))
    assert not is_staff(None)
    assert not is_staff(AnonymousUser())


def test_the_staff_groups_come_from_the_settings():
    officer = make_privacy_officer()
    with override_settings(ACCOUNTS_STAFF_GROUPS=[]):
        assert not is_staff(officer)
    schedulers = make_user("t.scheduler")
    schedulers.groups.add(Group.objects.create(name="Schedulers"))
    with override_settings(ACCOUNTS_STAFF_GROUPS=["Schedulers"]):
        assert is_staff(schedulers)


def test_deciding_costs_one_query_beyond_the_flags_and_the_permission_cache(
    django_assert_num_queries,
):
    flagged = make_user("t.flag", is_staff=True)
    provider = make_provider("t.counted", Discipline.NURSING)
    officer = make_privacy_officer()
    plain = make_user("t.plain")
    plain.has_perm("wagtailadmin.access_admin")  # the permission cache, filled once per user
    with django_assert_num_queries(0):
        assert is_staff(flagged)
    with django_assert_num_queries(1):
        assert is_staff(provider)
    with django_assert_num_queries(1):
        assert is_staff(officer)
    with django_assert_num_queries(1):
        assert not is_staff(plain)


def test_a_privacy_officer_needs_the_staff_password_length():
    officer = make_privacy_officer()
    with pytest.raises(ValidationError) as refused:
        validate_password(STRONG_11, officer)
    assert refused.value.messages == ["Staff passwords must contain at least 12 characters."]
    validate_password(STRONG_12, officer)
    validate_password(STRONG_11, make_user("t.patient"))


def test_a_privacy_officer_session_ends_after_the_staff_idle_timeout():
    client = logged_in(make_privacy_officer())
    assert client.session.get_expiry_age() == 15 * 60
    assert logged_in(make_user("t.patient")).session.get_expiry_age() == 30 * 60


@MFA_REQUIRED
def test_a_privacy_officer_who_is_not_a_provider_must_enrol_in_a_second_factor():
    client = logged_in(make_privacy_officer())
    for path in (reverse("privacy:audit"), reverse("account"), "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(SETUP_URL), path
    assert client.get(SETUP_URL).status_code == 200


@MFA_REQUIRED
def test_a_login_made_a_privacy_officer_during_its_session_must_enrol_before_the_audit_review():
    user = make_user("t.promoted")
    client = logged_in(user)
    assert client.get(reverse("sessions")).status_code == 200
    user.groups.add(Group.objects.get_or_create(name=PRIVACY_OFFICERS_GROUP)[0])
    assert client.get(reverse("privacy:audit"))["Location"].startswith(SETUP_URL)
