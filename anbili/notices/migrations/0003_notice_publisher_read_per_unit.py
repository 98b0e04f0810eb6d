"""发布单位 is the publishing DPF office (not the audience), and read marks are kept per unit: the new columns.
0004 fills them in and 0005 makes the unit required; three migrations so that PostgreSQL never alters a table
in the transaction that wrote its rows (deferred foreign-key checks would be pending)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_national_admin"),
        ("employers", "0003_related_unit_agreement"),
        ("notices", "0002_sms_claim"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="publisher_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="发布单位"),
        ),
        migrations.RemoveConstraint(model_name="noticeread", name="notice_read_once"),
        migrations.AddField(
            model_name="noticeread",
            name="employer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="employers.employer",
                verbose_name="单位",
            ),
        ),
    ]
