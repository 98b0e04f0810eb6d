"""The data of 0003's columns: 发布单位 of older announcements and the unit of older read marks.

Existing announcements get their publisher's office where the publisher is known (their region's name +
残联, 中国残联 for a national admin), else the audience's office, the best that is known of them. Existing read
marks were per user only: each becomes a mark for every unit the user held (what the user saw before), or
for the notification's own unit; a mark of a user who holds no unit is dropped.
"""

from django.db import migrations


def publishers_backfill(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    for notice in Notice.objects.filter(kind="announcement").select_related("published_by__region", "region"):
        staff = notice.published_by
        if staff is not None:
            name = f"{staff.region.name}残联" if staff.region_id else "中国残联"
        else:
            name = f"{notice.region.name}残联" if notice.region_id else ""
        Notice.objects.filter(pk=notice.pk).update(publisher_name=name)


def reads_per_unit(apps, schema_editor):
    NoticeRead = apps.get_model("notices", "NoticeRead")
    Membership = apps.get_model("accounts", "Membership")
    units: dict[int, list[int]] = {}
    for user_id, employer_id in Membership.objects.values_list("user_id", "employer_id"):
        units.setdefault(user_id, []).append(employer_id)
    for read in NoticeRead.objects.filter(employer__isnull=True).select_related("notice"):
        if read.notice.kind == "notification":
            employers = [read.notice.employer_id]
        else:
            employers = units.get(read.user_id, [])
        for employer_id in employers:
            NoticeRead.objects.create(
                notice_id=read.notice_id, user_id=read.user_id, employer_id=employer_id, read_at=read.read_at
            )
        read.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0003_notice_publisher_read_per_unit"),
    ]

    operations = [
        migrations.RunPython(publishers_backfill, migrations.RunPython.noop),
        migrations.RunPython(reads_per_unit, migrations.RunPython.noop),
    ]
