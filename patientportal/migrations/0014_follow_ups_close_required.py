from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patientportal", "0013_follow_ups_close"),
    ]

    operations = [
        migrations.AlterField(
            model_name="procedurefollowup",
            name="closes_on",
            field=models.DateField(),
        ),
    ]
