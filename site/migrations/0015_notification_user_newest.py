from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("district", "0014_consent_and_guardian_consent"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                fields=["user", "-created_at", "-id"], name="notification_user_newest"
            ),
        ),
    ]
