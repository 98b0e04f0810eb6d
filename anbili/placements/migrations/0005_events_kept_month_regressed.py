"""Events outlive their placement (the link goes null; id, employer, year and label stay on the row), events
carry the name of their transition, and a month records when re-verification failed it after confirmation."""

import django.db.models.deletion
from django.db import migrations, models


def _backfill(apps, schema_editor):
    PlacementEvent = apps.get_model("placements", "PlacementEvent")
    for event in PlacementEvent.objects.select_related("placement").iterator():
        placement = event.placement
        event.placement_ref = placement.pk
        event.employer_id = placement.employer_id
        event.business_year = placement.business_year
        event.save(update_fields=["placement_ref", "employer", "business_year"])


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0003_related_unit_agreement"),
        ("placements", "0004_redundant_fk_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="placementevent",
            name="placement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="events",
                to="placements.placement",
                verbose_name="安置登记",
            ),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="placement_ref",
            field=models.PositiveBigIntegerField(null=True, verbose_name="安置登记编号"),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="employer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="employers.employer",
                verbose_name="用人单位",
            ),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="business_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="业务年度"),
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="placementevent",
            name="placement_ref",
            field=models.PositiveBigIntegerField(db_index=True, verbose_name="安置登记编号"),
        ),
        migrations.AlterField(
            model_name="placementevent",
            name="employer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="employers.employer",
                verbose_name="用人单位",
            ),
        ),
        migrations.AlterField(
            model_name="placementevent",
            name="business_year",
            field=models.PositiveSmallIntegerField(verbose_name="业务年度"),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="label",
            field=models.CharField(
                blank=True, help_text="姓名或脱敏身份证号", max_length=80, verbose_name="安置人员"
            ),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="transition",
            field=models.CharField(blank=True, max_length=32, verbose_name="操作"),
        ),
        migrations.AlterField(
            model_name="placementevent",
            name="to_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("draft", "资料待完善"),
                    ("pending", "待审核"),
                    ("confirmed", "已审核确认"),
                    ("partly_rejected", "部分审核不通过"),
                    ("rejected", "审核不通过"),
                ],
                max_length=16,
                verbose_name="新状态",
            ),
        ),
        migrations.AddField(
            model_name="placementmonth",
            name="regressed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="确认后核验不通过时间"),
        ),
    ]
