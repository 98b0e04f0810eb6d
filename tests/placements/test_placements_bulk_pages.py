"""批量登记 through the pages: a placement registered from the template opens 合同管理 and 重新登记 without a
500 (a contract without its file shows 合同附件待上传, not a link reversed with None); the form takes the
workbook with the contract files (several, or one ZIP) and reports per row; a hostile archive gets a
Chinese message on the files' field; the month page refuses a contract without its file."""

from datetime import date

import pytest

from anbili.core.identifiers import make_id_number
from anbili.core.masking import mask
from anbili.evidence.models import EvidenceFile
from anbili.placements import services
from anbili.placements.models import Placement, PlacementStatus, PlacementStep
from tests.evidence.evidence_files import pdf_bytes
from tests.factories import MembershipFactory, unit_info_saved
from tests.placements.test_placements_bulk_files import _zip
from tests.portal.test_portal_placements import (
    _bulk_row,
    _workbook,
    pdf,
    portal_login,
    registry_person,
    set_window,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(regions):
    set_window(True)
    membership = MembershipFactory()
    unit_info_saved(membership.employer)  # placements start only once the unit information is saved
    return membership


@pytest.fixture
def client_a(client, membership):
    portal_login(client, membership)
    return client


URL = "/portal/placements/bulk/"
FULL = make_id_number("150102", date(1984, 3, 3), 41)
OTHER = make_id_number("150102", date(1987, 5, 5), 43)


def _bulk(client, rows, files=()):
    return client.post(URL, {"file": _workbook(rows), "contract_files": list(files)})


def _without_file(client, membership) -> Placement:
    """A placement registered from the template with no contract file: a draft at 合同管理."""
    registry_person(FULL, "全年通过", membership.employer.uscc, range(1, 13))
    response = _bulk(client, [_bulk_row(FULL)])
    assert response.status_code == 200
    placement = Placement.objects.get(id_number=FULL)
    assert placement.step == PlacementStep.CONTRACTS
    return placement


def test_the_contract_page_of_a_bulk_row_without_its_file_opens(client_a, membership):
    placement = _without_file(client_a, membership)
    response = client_a.get(f"/portal/placements/{placement.pk}/contracts/")
    assert response.status_code == 200
    assert "合同附件待上传" in text(response)
    assert "/evidence/None/" not in response.content.decode()


def test_reregister_of_a_placement_confirmed_without_its_file_opens_every_step(client_a, membership):
    # What the bulk path left before its files were required: a confirmed placement with a file-less
    # contract. 重新登记 and the wizard's pages must open, and the months cannot be saved again without it.
    placement = _without_file(client_a, membership)
    services.placement_transition(
        placement_id=placement.pk, name="confirm_by_system", by=services.Actor.SYSTEM, actor=None
    )
    response = client_a.post(f"/portal/placements/{placement.pk}/reregister/")
    assert response.status_code == 302 and response["Location"].endswith(f"/{placement.pk}/person/")
    for step in ("person", "contracts", "certificates", "verify"):
        assert client_a.get(f"/portal/placements/{placement.pk}/{step}/").status_code == 200, step
    client_a.post(f"/portal/placements/{placement.pk}/certificates/", {"action": "done"})
    response = client_a.post(f"/portal/placements/{placement.pk}/verify/", {"stage": "save", "months": []})
    assert response.status_code == 400
    assert "第1份合同" in text(response) and "未上传「合同附件」" in text(response)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DRAFT


def test_the_form_takes_the_workbook_and_a_zip_and_reports_each_row(client_a, membership):
    registry_person(FULL, "全年通过", membership.employer.uscc, range(1, 13))
    registry_person(OTHER, "没有合同", membership.employer.uscc, range(1, 13))
    stranger = make_id_number("150102", date(1990, 1, 1), 51)
    archive = _zip([(f"{FULL}.pdf", pdf_bytes()), (f"{stranger}.pdf", pdf_bytes())])
    response = _bulk(client_a, [_bulk_row(FULL), _bulk_row(OTHER)], [archive])
    assert response.status_code == 200
    page = text(response)
    assert "共 2 行：系统核验通过并确认 1 人，需补充材料 0 人，待上传合同附件 1 人，数据有误 0 行" in page
    assert "待上传合同附件" in page and "已保存为草稿" in page
    assert f"{mask(stranger)}.pdf" in page and stranger not in page
    draft = Placement.objects.get(id_number=OTHER)
    assert f'href="/portal/placements/{draft.pk}/contracts/"' in response.content.decode()
    assert EvidenceFile.objects.count() == 1


def test_several_loose_files_are_taken(client_a, membership):
    registry_person(FULL, "全年通过", membership.employer.uscc, range(1, 13))
    registry_person(OTHER, "也有合同", membership.employer.uscc, range(1, 13))
    files = [pdf(f"{FULL}.pdf"), pdf(f"{OTHER}.pdf")]
    response = _bulk(client_a, [_bulk_row(FULL), _bulk_row(OTHER)], files)
    assert "系统核验通过并确认 2 人" in text(response)
    assert Placement.objects.filter(status=PlacementStatus.CONFIRMED).count() == 2


def test_a_hostile_archive_gets_a_message_on_the_files_field_and_nothing_is_saved(client_a, membership):
    registry_person(FULL, "全年通过", membership.employer.uscc, range(1, 13))
    archive = _zip([(f"../../{FULL}.pdf", pdf_bytes())])
    response = _bulk(client_a, [_bulk_row(FULL)], [archive])
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_contract_files_error"' in body
    assert "无法读取合同附件压缩包" in text(response) and "“..”" in text(response)
    assert f"../../{mask(FULL)}.pdf" in text(response) and FULL not in text(response)
    assert not Placement.objects.exists() and not EvidenceFile.objects.exists()


def test_the_form_names_the_files_field_and_its_rule(client_a):
    page = text(client_a.get(URL))
    assert "合同附件（可多选，或一个 ZIP 压缩包）" in page
    assert "文件名为该人员的身份证号" in page
    body = client_a.get(URL).content.decode()
    assert 'name="contract_files"' in body and "multiple" in body
