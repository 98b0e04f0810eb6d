"""Management commands (import_registry, issue_partner_token) and the read-only admin of the mirrors."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.core.masking import mask
from anbili.registry.models import ImportBatch, PartnerToken, WageMonth
from anbili.registry.services import token_digest

PERSON = make_id_number("150102", date(1980, 5, 1), 11)
EMPLOYER = make_uscc("91150102MA0000001")
HEADER = "身份证号,发放单位统一社会信用代码,所属年月,工资金额,发放地行政区划代码"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_issue_partner_token_prints_the_token_once_and_stores_its_hash(regions):
    output = _run(
        "issue_partner_token",
        "--name",
        "内蒙古自治区医保局",
        "--kind",
        "medical_insurance",
        "--province",
        "15",
    )
    token = output.strip().splitlines()[-1]
    assert "只显示这一次" in output and token.startswith("abl_")
    stored = PartnerToken.objects.get()
    assert stored.token_hash == token_digest(token) and stored.partner.province_id == "150000"
    with pytest.raises(CommandError, match="省份代码“99”无效"):
        _run("issue_partner_token", "--name", "x", "--kind", "wage", "--province", "99")


def test_import_registry_reports_progress_counts_and_failed_rows(db, tmp_path):
    path = tmp_path / "工资.csv"
    path.write_text(
        f"{HEADER}\n{PERSON},{EMPLOYER},202501,2500,150102\n{PERSON},{EMPLOYER},202502,-3,150102\n", "gbk"
    )
    output = _run("import_registry", "wage", str(path))
    assert "共 2 行，新增 1，更新 0，未变化 0，失败 1" in output
    assert "第3行【工资金额】：工资金额不能为负数（当前为 -3）" in output
    assert WageMonth.objects.count() == 1 and ImportBatch.objects.get().file_name == "工资.csv"


def test_import_registry_fails_on_a_rejected_file(db, tmp_path):
    path = tmp_path / "wage.csv"
    path.write_text("身份证号\n1\n", "utf-8")
    with pytest.raises(CommandError, match="缺少必填列"):
        _run("import_registry", "wage", str(path))
    with pytest.raises(CommandError, match="文件不存在"):
        _run("import_registry", "wage", str(tmp_path / "missing.csv"))


def test_import_registry_in_the_background_leaves_the_batch_to_the_worker(
    db, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "wage.csv"
    path.write_text(f"{HEADER}\n{PERSON},{EMPLOYER},202501,2500,150102\n", "utf-8")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        output = _run("import_registry", "wage", str(path), "--background")
    assert "由后台任务处理" in output and len(callbacks) == 1
    assert ImportBatch.objects.get().status == "received"


def test_admin_lists_the_mirrors_read_only_for_superusers(admin_client, db, tmp_path):
    path = tmp_path / "wage.csv"
    path.write_text(f"{HEADER}\n{PERSON},{EMPLOYER},202501,2500,150102\n", "utf-8")
    _run("import_registry", "wage", str(path))
    for model in (
        "registryperson",
        "certificate",
        "pensionmonth",
        "medicalmonth",
        "wagemonth",
        "dispatchfiling",
        "marketunit",
        "importbatch",
        "importrowerror",
        "partner",
        "partnertoken",
    ):
        response = admin_client.get(f"/admin/registry/{model}/")
        assert response.status_code == 200, model
    listing = admin_client.get(f"/admin/registry/wagemonth/?q={PERSON}").content.decode()
    assert EMPLOYER in listing
    # The exact search takes the whole number; the list's cell shows it masked.
    assert f">{mask(PERSON)}</a>" in listing and f">{PERSON}</a>" not in listing
    assert admin_client.get("/admin/registry/wagemonth/add/").status_code == 403
    batch = ImportBatch.objects.get()
    assert admin_client.get(f"/admin/registry/importbatch/{batch.pk}/change/").status_code == 200


def test_market_unit_natures_share_the_employer_codes():
    """The registry sits below employers, so it keeps its own list: it must stay in step with UnitNature."""
    from anbili.employers.models import UnitNature
    from anbili.registry.models import MarketUnitNature

    assert set(UnitNature.values) <= set(MarketUnitNature.values)
    assert set(MarketUnitNature.values) - set(UnitNature.values) == {"individual_business"}
