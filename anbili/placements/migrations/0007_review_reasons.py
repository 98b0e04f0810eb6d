"""The national canned review reasons (常用审核意见), which admins then edit in /admin/."""

from django.db import migrations

REASONS = {
    "month": [
        "工资低于最低工资标准",
        "缺少工资发放证明",
        "缺少社保缴费凭证",
        "缺少医保缴费凭证",
        "合同期限不足一年",
        "材料不清晰",
        "该月份已由其他单位安置",
        "不在就业年龄段",
    ],
    "send_back": [
        "请补充工资发放证明",
        "请补充社会保险缴费凭证",
        "请补充医疗保险缴费凭证",
        "请重新上传清晰的劳动合同",
        "请补充劳务派遣资质、三方协议",
        "材料不清晰，请重新上传",
    ],
    "document": [
        "残疾证影像不清晰",
        "残疾证信息与影像不一致",
        "缺少劳务派遣资质",
        "缺少三方协议",
        "材料不清晰",
    ],
}


def add_reasons(apps, schema_editor):
    ReviewReason = apps.get_model("placements", "ReviewReason")
    for kind, texts in REASONS.items():
        for ordering, text in enumerate(texts, start=1):
            ReviewReason.objects.get_or_create(kind=kind, text=text, region=None, defaults={"ordering": ordering})


def remove_reasons(apps, schema_editor):
    ReviewReason = apps.get_model("placements", "ReviewReason")
    for kind, texts in REASONS.items():
        ReviewReason.objects.filter(kind=kind, text__in=texts, region=None).delete()


class Migration(migrations.Migration):
    dependencies = [("placements", "0006_review")]
    operations = [migrations.RunPython(add_reasons, remove_reasons)]
