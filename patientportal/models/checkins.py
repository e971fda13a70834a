"""What a patient reports: check-ins, how their exercises went, red flags; and the alerts a
check-in or a questionnaire result raises for the care team. (Questionnaires:
``questionnaires``.)"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .submissions import SubmittedOnce


class RedFlag(models.TextChoices):
    """Symptoms that need urgent care now, as the check-in asks about them."""

    LEG_NUMBNESS_OR_WEAKNESS = (
        "leg_numbness_or_weakness",
        "New numbness, tingling or weakness in one or both legs",
    )
    BLADDER_OR_BOWEL = (
        "bladder_or_bowel",
        "Loss of control of your bladder or bowels, or numbness around your bottom or genitals",
    )
    SEVERE_PAIN_AFTER_FALL = "severe_pain_after_fall", "Severe back pain after a fall or accident"
    CONSTANT_PAIN_NOT_EASED_BY_REST = (
        "constant_pain_not_eased_by_rest",
        "Pain that is there all the time and does not ease when you rest or lie down",
    )


class CheckIn(SubmittedOnce):
    patient = models.ForeignKey(
        "careteam.Patient", on_delete=models.CASCADE, related_name="check_ins"
    )
    recorded_at = models.DateTimeField(db_index=True)
    # Pain on the 0-10 numeric rating scale (LOINC 72514-3).
    pain_score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    note = models.TextField(blank=True)
    red_flags = models.JSONField(default=list, blank=True)
    # The plans current when the patient checked in: only their teams see it.
    plans = models.ManyToManyField(
        "careteam.CarePlan", blank=True, related_name="check_ins", verbose_name="shared with"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_score__lte=10), name="pp_checkin_pain_0_to_10"
            ),
            models.UniqueConstraint(
                fields=["patient", "submission_key"], name="pp_checkin_submitted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"

    @property
    def has_red_flags(self) -> bool:
        return bool(self.red_flags)

    def red_flag_labels(self) -> list[str]:
        labels = dict(RedFlag.choices)
        return [labels.get(flag, flag) for flag in self.red_flags]


class ActivityOutcome(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly done"
    NOT_DONE = "not_done", "Not done"


class ActivityReport(models.Model):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="activity_reports")
    activity = models.ForeignKey(
        "careteam.Activity", on_delete=models.CASCADE, related_name="patient_reports"
    )
    outcome = models.CharField(max_length=10, choices=ActivityOutcome.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "activity"], name="pp_one_report_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.outcome}"


class AlertOutcome(models.TextChoices):
    """What the team member who acknowledged a red-flag alert did about it."""

    CALLED_PATIENT = "called_patient", "Called the patient"
    ADVISED_EMERGENCY_CARE = "advised_emergency_care", "Advised emergency care (A&E)"
    ARRANGED_URGENT_REVIEW = "arranged_urgent_review", "Arranged an urgent review"
    NO_ACTION_NEEDED = "no_action_needed", "No action needed"


class AlertKind(models.TextChoices):
    """What an alert is about, in plain words for the team. A check-in raises ``RED_FLAGS``;
    a questionnaire result ``SAFETY_ANSWER`` (an answer on a safety item, the PHQ-9's
    self-harm item) or ``SEVERE_SCORE`` (a total in a band that alerts, PHQ-9 >= 20,
    GAD-7 >= 15). A secure message (``messaging``) whose words name a red flag, or in a
    thread to the mental-health professional thoughts of self-harm, raises
    ``MESSAGE_RED_FLAGS``. All but the severe score are urgent (``URGENT_KINDS``)."""

    RED_FLAGS = "red_flags", "Red flags in a check-in"
    SAFETY_ANSWER = "safety_answer", "Thoughts of self-harm"
    SEVERE_SCORE = "severe_score", "Severe score"
    MESSAGE_RED_FLAGS = "message_flags", "Red flags in a message"


# What a message's alert names besides the check-in's red flags (``RedFlag``): words of
# self-harm in a thread to the mental-health professional.
SELF_HARM_IN_MESSAGE = "self_harm"
MESSAGE_FLAG_LABELS = {SELF_HARM_IN_MESSAGE: "Words of self-harm in a message"}


# Urgent kinds go to the lead at once and escalate like red flags when nobody acknowledges
# them (``services.escalation``). A severe score is for the mental-health member to follow
# up: it shows on the team's pages until acknowledged but never escalates.
URGENT_KINDS = frozenset(
    {AlertKind.RED_FLAGS, AlertKind.SAFETY_ANSWER, AlertKind.MESSAGE_RED_FLAGS}
)


# Outcomes that must say why in a note.
OUTCOMES_NEEDING_A_NOTE = frozenset({AlertOutcome.NO_ACTION_NEEDED})
NOTE_REQUIRED = "Say in the note why no action is needed."


class RedFlagAlert(models.Model):
    """Something a patient reported that the care team must act on: red flags in a check-in,
    a questionnaire result, or the words of a secure message (``kind``, ``AlertKind``). Its
    source is exactly one of ``check_in`` and ``questionnaire_result``, or neither for a
    message (the message names its alert: ``messaging.Message.alert``).

    Closed by the first team member who acknowledges it, saying what was done (``outcome``,
    ``outcome_note``); an urgent one (``URGENT_KINDS``) is escalated once to the whole team
    and the clinic's on-call address if nobody has after ``RED_FLAG_ESCALATE_AFTER_MINUTES``
    (``escalated_at``)."""

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="red_flag_alerts"
    )
    kind = models.CharField(max_length=16, choices=AlertKind.choices, default=AlertKind.RED_FLAGS)
    check_in = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    questionnaire_result = models.ForeignKey(
        "patientportal.QuestionnaireResult",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    # The red flags of a check-in or a message (``RedFlag`` values, and for a message
    # ``SELF_HARM_IN_MESSAGE``); empty for a questionnaire's alert.
    flags = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Empty on alerts acknowledged before outcomes were asked for.
    outcome = models.CharField(
        "what was done", max_length=32, choices=AlertOutcome.choices, blank=True
    )
    outcome_note = models.TextField("note", max_length=2000, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["plan", "acknowledged_at"], name="pp_alert_plan_open"),
            # What the escalation sweep looks for, every minute or so.
            models.Index(
                fields=["created_at"],
                condition=models.Q(acknowledged_at__isnull=True, escalated_at__isnull=True),
                name="pp_alert_awaiting_escalation",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome=AlertOutcome.NO_ACTION_NEEDED)
                | ~models.Q(outcome_note=""),
                name="pp_alert_no_action_says_why",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(acknowledged_at__isnull=False),
                name="pp_alert_outcome_when_acknowledged",
            ),
            # Exactly one source, and the one its kind says.
            models.CheckConstraint(
                condition=models.Q(
                    kind=AlertKind.RED_FLAGS,
                    check_in__isnull=False,
                    questionnaire_result__isnull=True,
                )
                | models.Q(
                    kind__in=[AlertKind.SAFETY_ANSWER, AlertKind.SEVERE_SCORE],
                    check_in__isnull=True,
                    questionnaire_result__isnull=False,
                )
                | models.Q(
                    kind=AlertKind.MESSAGE_RED_FLAGS,
                    check_in__isnull=True,
                    questionnaire_result__isnull=True,
                ),
                name="pp_alert_one_source_of_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Red-flag alert {self.pk}"

    def clean(self) -> None:
        if self.outcome in OUTCOMES_NEEDING_A_NOTE and not self.outcome_note.strip():
            raise ValidationError({"outcome_note": NOTE_REQUIRED})

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def is_urgent(self) -> bool:
        """Escalates when nobody acknowledges it in time (``URGENT_KINDS``)."""
        return self.kind in URGENT_KINDS

    @property
    def from_questionnaire(self) -> bool:
        return self.kind in (AlertKind.SAFETY_ANSWER, AlertKind.SEVERE_SCORE)

    @property
    def from_message(self) -> bool:
        return self.kind == AlertKind.MESSAGE_RED_FLAGS

    def flag_labels(self) -> list[str]:
        """What the alert is about, as the team reads it: the check-in's red flags, or the
        concern a questionnaire raised ("Thoughts of self-harm on the PHQ-9"). Names no
        answer and no score, so every member of the team may read it."""
        if self.from_questionnaire:
            return [self.concern]
        labels = {**dict(RedFlag.choices), **MESSAGE_FLAG_LABELS}
        return [labels.get(flag, flag) for flag in self.flags]

    @property
    def concern(self) -> str:
        """The alert in one phrase; a questionnaire's names the instrument (the result is
        read with the alert: ``select_related("questionnaire_result")``)."""
        label = str(self.get_kind_display())
        if self.questionnaire_result is None:
            return label
        return f"{label} on the {self.questionnaire_result.definition.short_title}"
