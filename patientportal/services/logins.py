"""Patient logins: the lead of one of the patient's open plans invites the patient, the
patient sets a password through a one-time link, and such a lead can switch the access off
again (the patient-level ``INVITE_PATIENT`` and ``SWITCH_OFF_PORTAL_ACCESS`` rules of
``careteam.policy``).

Where an invitation goes: to the email on the patient's record while the login has never
been used; once the patient has set a password through a link, only to the address that
link reached. A changed address on the record never redirects an existing login.
"""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, Patient
from careteam.policy import PatientAction
from careteam.services import patient_action_guarded, require_patient_action
from core.compiled_sql import CompiledRows
from jobs.handoff import enqueue_in_transaction

from ..models import PatientInvitation
from ..tasks import send_invitation_email
from .errors import PortalActionError
from .submissions import Submission, store_once

User = get_user_model()


def _patient_and_plan(plan_or_patient: CarePlan | Patient) -> tuple[Patient, CarePlan | None]:
    if isinstance(plan_or_patient, CarePlan):
        return plan_or_patient.patient, plan_or_patient
    return plan_or_patient, None


def _refuse_staff_account(user) -> None:
    """A patient record wrongly linked to a clinician's or editor's login must never let the
    patient-access controls switch that login off or reset its password."""
    if user.is_staff or user.is_superuser or hasattr(user, "provider_profile"):
        raise PortalActionError(
            "This patient record is linked to a staff login. Ask an administrator to fix the "
            "link before managing portal access."
        )


def latest_invitation(patient: Patient) -> PatientInvitation | None:
    found = _LATEST_INVITATION.rows(patient.pk)
    if not found:
        return None
    found[0].patient = patient
    return found[0]


# Every plan page reads it (the portal panel): compiled once.
_LATEST_INVITATION = CompiledRows(
    "a patient's latest invitation",
    lambda patient_id: (
        PatientInvitation.objects.filter(patient_id=patient_id)
        .select_related("user")
        .order_by("-invited_at", "-pk")[:1]
    ),
)


def portal_access(patient: Patient) -> tuple[str, PatientInvitation | None]:
    """Where the patient's portal login stands ("none", "pending", "active" or "revoked"),
    and the latest invitation behind it."""
    invitation = latest_invitation(patient)
    if patient.user_id is None or invitation is None:
        return "none", invitation
    return invitation.state, invitation


def may_be_switched_off(state: str) -> bool:
    """A login in use, or an invitation not yet accepted, is what switching off ends."""
    return state in ("active", "pending")


def _unique_username(patient: Patient) -> str:
    base = patient.email.strip().lower()[:150]
    if base and not User.objects.filter(username__iexact=base).exists():
        return base
    stem = slugify(f"{patient.given_name}.{patient.family_name}")[:140] or "patient"
    candidate, number = stem, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{stem}{number}"
    return candidate


def has_confirmed_address(user) -> bool:
    """Whether the patient has set a password through a link sent to ``user.email``."""
    return PatientInvitation.objects.filter(user=user, accepted_at__isnull=False).exists()


def invite_patient(
    plan_or_patient: CarePlan | Patient, actor, *, submission_key: uuid.UUID | None = None
) -> PatientInvitation:
    """Create (or re-send) the patient's login and email a link to set a password.

    ``plan_or_patient``: the patient, or the plan the lead acts from (recorded with the
    event). The account stays inactive with no usable password until the patient sets one.
    Sending again replaces the earlier link. The invitation and its queued email are
    committed together (``jobs.handoff``); ``submission_key``, the invite button's one-time key,
    makes a double click return the invitation just made instead of replacing its link.
    """
    patient, plan = _patient_and_plan(plan_or_patient)
    require_patient_action(actor, PatientAction.INVITE_PATIENT, patient, plan=plan)
    submission = Submission.of(submission_key, {})

    def store() -> PatientInvitation:
        with patient_action_guarded(actor, PatientAction.INVITE_PATIENT, patient, plan=plan):
            return _invite(
                Patient.objects.select_for_update().get(pk=patient.pk), plan, actor, submission
            )

    return store_once(
        patient.portal_invitations.all(), submission, actor, store, plan=plan, patient=patient
    )


def _invite(
    patient: Patient, plan: CarePlan | None, actor, submission: Submission
) -> PatientInvitation:
    if not patient.email:
        raise PortalActionError(
            "Add the patient's email address to their record before inviting them."
        )
    user = patient.user
    if user is not None:
        _refuse_staff_account(user)
    if user is not None and user.is_active and user.has_usable_password():
        raise PortalActionError("This patient already has access to the portal.")
    if user is None:
        user = User(
            username=_unique_username(patient),
            email=patient.email,
            first_name=patient.given_name,
            last_name=patient.family_name,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
    else:
        if not has_confirmed_address(user):
            user.email = patient.email
        # A fresh unusable password value voids every earlier link.
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "is_active", "password"])
    invitation = PatientInvitation.objects.create(
        patient=patient, user=user, invited_by=actor, **submission.fields()
    )
    record_event(
        actor,
        AuditAction.GRANTED,
        invitation,
        plan=plan,
        patient=patient,
        detail={"access": "patient portal invitation sent", "username": user.username},
    )
    enqueue_in_transaction(send_invitation_email, invitation.pk)
    return invitation


def revoke_patient_access(plan_or_patient: CarePlan | Patient, actor) -> None:
    """Switch the patient's login off at once (open sessions end on their next request)."""
    patient, plan = _patient_and_plan(plan_or_patient)
    action = PatientAction.SWITCH_OFF_PORTAL_ACCESS
    require_patient_action(actor, action, patient, plan=plan)
    with patient_action_guarded(actor, action, patient, plan=plan):
        patient = (
            Patient.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=patient.pk)
        )
        user = patient.user
        if user is None:
            raise PortalActionError("This patient has no portal login.")
        _refuse_staff_account(user)
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        invitation = latest_invitation(patient)
        if invitation is not None and invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.revoked_by = actor
            invitation.save(update_fields=["revoked_at", "revoked_by"])
        record_event(
            actor,
            AuditAction.REVOKED,
            patient,
            plan=plan,
            patient=patient,
            detail={"access": "patient portal", "username": user.username},
        )


def pending_invitation_for(user) -> PatientInvitation | None:
    """The invitation a set-password link may still use: the patient's newest, not yet
    accepted or revoked, for this very account."""
    patient = Patient.objects.filter(user=user).first()
    if patient is None:
        return None
    invitation = latest_invitation(patient)
    if invitation is None or not invitation.is_pending or invitation.user_id != user.pk:
        return None
    return invitation


def accept_invitation(invitation: PatientInvitation, password: str) -> None:
    """Set the patient's first password and open their access; the link is spent."""
    with transaction.atomic():
        user = invitation.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record_event(
            user,
            AuditAction.CHANGED,
            invitation,
            patient=invitation.patient_id,
            detail={"access": "patient set their password and activated the portal login"},
        )
