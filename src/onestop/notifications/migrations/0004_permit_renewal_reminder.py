# The reminder of a permit's renewal deadline (cases/permit_reminders.py).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0003_alter_outbox_kind'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outbox',
            name='kind',
            field=models.CharField(choices=[('accepted', 'Accepted'), ('correction_requested', 'Correction requested'), ('not_accepted', 'Not accepted'), ('decision', 'Decision'), ('ready_for_pickup', 'Ready for pickup'), ('mailed', 'Mailed'), ('reminder', 'Appointment reminder'), ('job_failed', 'Background job failed'), ('permit_renewal', 'Permit renewal due')], max_length=24),
        ),
    ]
