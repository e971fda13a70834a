# A secure message that names a red flag raises an alert of its own kind, with no
# check-in or questionnaire result behind it (the message names its alert).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patientportal', '0009_procedure_follow_ups'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='redflagalert',
            name='pp_alert_one_source_of_its_kind',
        ),
        migrations.AlterField(
            model_name='redflagalert',
            name='kind',
            field=models.CharField(choices=[('red_flags', 'Red flags in a check-in'), ('safety_answer', 'Thoughts of self-harm'), ('severe_score', 'Severe score'), ('message_flags', 'Red flags in a message')], default='red_flags', max_length=16),
        ),
        migrations.AddConstraint(
            model_name='redflagalert',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('check_in__isnull', False), ('kind', 'red_flags'), ('questionnaire_result__isnull', True)), models.Q(('check_in__isnull', True), ('kind__in', ['safety_answer', 'severe_score']), ('questionnaire_result__isnull', False)), models.Q(('check_in__isnull', True), ('kind', 'message_flags'), ('questionnaire_result__isnull', True)), _connector='OR'), name='pp_alert_one_source_of_its_kind'),
        ),
    ]
