"""Read marks per unit, last step: every mark names its unit (0004 filled them in; a separate migration so
that PostgreSQL alters the table outside the transaction that wrote the rows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0004_notice_publisher_read_per_unit_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="noticeread",
            name="employer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="employers.employer",
                verbose_name="单位",
            ),
        ),
        migrations.AddConstraint(
            model_name="noticeread",
            constraint=models.UniqueConstraint(
                fields=("notice", "user", "employer"), name="notice_read_once_per_unit"
            ),
        ),
    ]
