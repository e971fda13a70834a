"""The ODI's table becomes every questionnaire's: ``OdiResponse`` is renamed
``QuestionnaireResult`` and its columns renamed or widened in place, so the rows stored so
far keep their ids and nothing is copied. Django's ``migrate`` renames the content type with
the model (``RenameContentType``, which contenttypes adds after a ``RenameModel``), so the
audit events that name an ODI response name the same row afterwards.

Every row before this migration is an ODI: the data step says so, and writes the band its
total fell in (one UPDATE per band), with the ODI's bands as they stand in this migration (a band is the label at
the time, not whatever the instrument says later). Going back is refused while results of
other instruments exist: the old table could only hold ODI scores.
"""

from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError

import patientportal.models.questionnaires

# The ODI's bands (questionnaires/instruments/odi.py) when the rows were moved.
ODI_BANDS = (
    (0, 20, "Minimal disability"),
    (21, 40, "Moderate disability"),
    (41, 60, "Severe disability"),
    (61, 80, "Crippled"),
    (81, 100, "Bed-bound or symptoms overstated"),
)


def mark_odi_results(apps, schema_editor):
    results = apps.get_model("patientportal", "QuestionnaireResult").objects.using(
        schema_editor.connection.alias
    )
    for low, high, label in ODI_BANDS:
        results.filter(total__gte=low, total__lte=high).update(instrument="odi", band=label)
    # A total outside 0-100 (written by hand; the form never could) gets no band.
    results.filter(instrument="").update(instrument="odi")


def refuse_if_other_instruments(apps, schema_editor):
    results = apps.get_model("patientportal", "QuestionnaireResult").objects.using(
        schema_editor.connection.alias
    )
    if results.exclude(instrument="odi").exists():
        raise IrreversibleError(
            "Results of questionnaires other than the ODI are stored; the ODI's old table "
            "cannot hold them."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("careteam", "0007_flare_plan"),
        ("patientportal", "0006_flares"),
    ]

    operations = [
        migrations.RenameModel("OdiResponse", "QuestionnaireResult"),
        migrations.AlterModelOptions(
            name="questionnaireresult",
            options={"ordering": ["-completed_at", "-pk"], "verbose_name": "questionnaire result"},
        ),
        migrations.RemoveConstraint(model_name="questionnaireresult", name="pp_odi_submitted_once"),
        migrations.RenameField("questionnaireresult", "score", "total"),
        migrations.RenameField("questionnaireresult", "answered_sections", "answered"),
        migrations.AlterField(
            model_name="questionnaireresult",
            name="total",
            field=models.DecimalField(decimal_places=1, max_digits=5),
        ),
        migrations.AlterField(
            model_name="questionnaireresult",
            name="answered",
            field=models.PositiveSmallIntegerField(help_text="Items answered."),
        ),
        migrations.AlterField(
            model_name="questionnaireresult",
            name="answers",
            field=models.JSONField(
                help_text="Item key to answer (a number, or a name and a number); null when "
                "skipped."
            ),
        ),
        migrations.AlterField(
            model_name="questionnaireresult",
            name="patient",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="questionnaire_results",
                to="careteam.patient",
            ),
        ),
        migrations.AlterField(
            model_name="questionnaireresult",
            name="plans",
            field=models.ManyToManyField(
                blank=True,
                related_name="questionnaire_results",
                to="careteam.careplan",
                verbose_name="shared with",
            ),
        ),
        migrations.AddField(
            model_name="questionnaireresult",
            name="instrument",
            field=models.CharField(
                choices=patientportal.models.questionnaires.instrument_choices,
                default="",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="questionnaireresult",
            name="band",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="questionnaireresult",
            name="safety_fired",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="questionnaireresult",
            index=models.Index(
                fields=["patient", "instrument", "completed_at"], name="pp_qresult_patient_time"
            ),
        ),
        migrations.AddConstraint(
            model_name="questionnaireresult",
            constraint=models.UniqueConstraint(
                fields=("patient", "submission_key"), name="pp_questionnaire_submitted_once"
            ),
        ),
        migrations.RunPython(mark_odi_results, refuse_if_other_instruments),
    ]
