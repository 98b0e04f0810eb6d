"""批量登记 with the contract files: several files or one ZIP, named by the ID number; a row without its file
stays a draft at 合同管理 and never counts; files no row names are reported and not stored; a hostile or
damaged archive is refused before any row is registered; every file goes through the evidence store."""

import io
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anbili.core.errors import ApplicationError
from anbili.core.masking import mask
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from anbili.placements import services
from anbili.placements.models import Placement, PlacementContract, PlacementStatus, PlacementStep
from tests.evidence.evidence_files import jpeg_bytes, pdf_bytes, png_bytes, stored_names
from tests.placements.placement_data import TODAY, new_id_number, registry_person, upload
from tests.placements.test_placements_bulk import _import, _row, _workbook, contract_pdf

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def _zip(members, name="合同附件.zip", method=zipfile.ZIP_DEFLATED) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names on purpose
        with zipfile.ZipFile(buffer, "w", method) as archive:
            for member, data in members:
                archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def _persons(employer, count=2):
    numbers = [new_id_number() for _ in range(count)]
    for number in numbers:
        registry_person(number, name="赵一", payer=employer.uscc)
    return numbers


def _nothing_saved():
    assert not Placement.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not stored_names()


def test_loose_files_are_stored_through_the_evidence_store_and_the_rows_confirmed(employer, user):
    employer.nature = "institution"  # 编制 (在编证明) only for government bodies and institutions
    employer.save(update_fields=["nature"])
    first, second = _persons(employer)
    content = _workbook([_row(first), _row(second, contract_type="编制", end="")])
    files = [
        contract_pdf(first),
        SimpleUploadedFile(f"{second.lower()}.JPG", jpeg_bytes()),  # case and extension do not matter
    ]
    report = _import(employer, user, content, files=files)
    assert [r.outcome for r in report.rows] == ["confirmed", "confirmed"]
    assert report.unmatched_files == []
    contracts = {c.placement.id_number: c for c in PlacementContract.objects.select_related("contract_file")}
    assert contracts[first].contract_file.purpose == EvidencePurpose.CONTRACT
    assert contracts[first].contract_file.content_type == "application/pdf"
    assert contracts[second].contract_file.purpose == EvidencePurpose.STAFFING_ROSTER
    assert contracts[second].contract_file.content_type == "image/jpeg"
    assert len(stored_names()) == 2


def test_a_row_without_its_file_is_a_draft_at_the_contract_step_and_the_report_says_so(employer, user):
    with_file, without = _persons(employer)
    report = _import(
        employer, user, _workbook([_row(with_file), _row(without)]), files=[contract_pdf(with_file)]
    )
    row = report.rows[1]
    assert row.outcome == "needs_contract" and row.outcome_label == "待上传合同附件"
    assert "未上传该人员的「合同附件」" in row.message and "已保存为草稿" in row.message
    assert "合同管理" in row.message
    assert report.summary == (
        "共 2 行：系统核验通过并确认 1 人，需补充材料 0 人，待上传合同附件 1 人，数据有误 0 行"
    )
    draft = Placement.objects.get(id_number=without)
    assert draft.status == PlacementStatus.DRAFT and draft.step == PlacementStep.CONTRACTS
    assert row.placement_id == draft.pk
    # What the row said is kept, without a file; nothing was verified or claimed.
    contract = draft.contracts.get()
    assert contract.contract_file is None and contract.post == "装配工"
    assert not draft.months.exists()


def test_a_contract_without_its_file_never_counts(employer, user):
    (number,) = _persons(employer, 1)
    _import(employer, user, _workbook([_row(number)]))
    draft = Placement.objects.get(id_number=number)
    common = {"placement_id": draft.pk, "employer": employer, "actor": user, "today": TODAY}
    # Even pushed past the contract step, the months cannot be saved: not confirmed, not submitted.
    services.placement_certificates_done(**common)
    with pytest.raises(ApplicationError) as error:
        services.placement_months_save(**common, months=[])
    assert error.value.code == "contract_file"
    assert "第1份合同（2024-07-01 起）未上传「合同附件」" in error.value.message
    draft.refresh_from_db()
    assert draft.status == PlacementStatus.DRAFT and not draft.claims.exists()
    # With the file uploaded through 合同管理 → 修改 the same placement is confirmed.
    contract = draft.contracts.get()
    fields = {
        name: getattr(contract, name)
        for name in ("relation", "contract_type", "start", "end", "post", "monthly_wage")
    }
    payers = {name: getattr(contract, name) for name, _ in services.PAYER_FIELDS}
    services.placement_contract_update(
        **common, contract_id=contract.pk, contract_upload=upload("劳动合同.pdf"), **fields, **payers
    )
    saved = services.placement_months_save(**common, months=[])
    assert saved.status == PlacementStatus.CONFIRMED


def test_a_zip_of_contract_files_in_a_folder_matches_the_rows(employer, user):
    first, second, third = _persons(employer, 3)
    archive = _zip(
        [
            ("合同附件/", b""),
            (f"合同附件/{first}.pdf", pdf_bytes()),
            (f"合同附件/{second}.png", png_bytes()),
            ("__MACOSX/合同附件/._x.pdf", b"\x00\x05\x16\x07"),
        ]
    )
    report = _import(employer, user, _workbook([_row(first), _row(second), _row(third)]), files=[archive])
    assert [r.outcome for r in report.rows] == ["confirmed", "confirmed", "needs_contract"]
    assert report.unmatched_files == []
    names = set(EvidenceFile.objects.values_list("original_name", flat=True))
    assert names == {f"{first}.pdf", f"{second}.png"}


def test_files_no_row_names_are_reported_masked_and_never_stored(employer, user):
    (number,) = _persons(employer, 1)
    stranger, wrong_row = new_id_number(), new_id_number()
    archive = _zip(
        [
            (f"{number}.pdf", pdf_bytes()),
            (f"{stranger}.pdf", pdf_bytes()),
            ("说明.pdf", pdf_bytes()),
            (f"{wrong_row}.pdf", pdf_bytes()),
        ]
    )
    rows = [_row(number), _row(wrong_row)]  # the second: not in the registry and no name
    report = _import(employer, user, _workbook(rows), files=[archive])
    assert [r.outcome for r in report.rows] == ["confirmed", "wrong"]
    assert report.unmatched_files == [f"{mask(stranger)}.pdf", "说明.pdf"]
    assert stranger not in report.unmatched_summary
    assert report.unmatched_summary.startswith("以下 2 个文件的文件名不是表中任何一行的身份证号，未保存：")
    # Only the registered row's file is kept (the wrong row's was rolled back with its row).
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == [f"{number}.pdf"]


@pytest.mark.parametrize("packed", [False, True], ids=["loose", "in a zip"])
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "文件内容不是允许的格式"),  # a program named .pdf
        (png_bytes(), "文件扩展名与文件内容不符"),  # a picture named .pdf
        (b"", "空文件"),
    ],
    ids=["program", "picture", "empty"],
)
def test_a_file_of_the_wrong_type_by_content_is_refused_for_its_row(employer, user, data, reason, packed):
    (number,) = _persons(employer, 1)
    name = f"{number}.pdf"
    files = [_zip([(name, data)])] if packed else [SimpleUploadedFile(name, data)]
    report = _import(employer, user, _workbook([_row(number)]), files=files)
    row = report.rows[0]
    assert row.outcome == "needs_contract"
    assert f"「合同附件」{mask(number)}.pdf 未保存：" in row.message and reason in row.message
    assert number not in row.message
    assert Placement.objects.get(id_number=number).step == PlacementStep.CONTRACTS
    assert not EvidenceFile.objects.exists() and not stored_names()


def test_two_files_for_one_person_are_not_guessed_between(employer, user):
    (number,) = _persons(employer, 1)
    files = [contract_pdf(number), SimpleUploadedFile(f"{number}.jpg", jpeg_bytes())]
    report = _import(employer, user, _workbook([_row(number)]), files=files)
    assert report.rows[0].outcome == "needs_contract"
    assert "有 2 个文件对应该身份证号" in report.rows[0].message
    assert not EvidenceFile.objects.exists()


def _hostile_zip_bomb() -> SimpleUploadedFile:
    return _zip([(f"{new_id_number()}.pdf", b"%PDF-1.4\n" + b"\x00" * (20 * MIB))])


HOSTILE = {
    "zip bomb": (_hostile_zip_bomb, "压缩比异常"),
    "traversal": (lambda: _zip([(f"../../{new_id_number()}.pdf", pdf_bytes())]), "“..”"),
    "absolute": (lambda: _zip([(f"/tmp/{new_id_number()}.pdf", pdf_bytes())]), "绝对路径"),
    "backslash traversal": (lambda: _zip([(f"..\\{new_id_number()}.pdf", pdf_bytes())]), "“..”"),
    "duplicate names": (lambda: _zip([("a.pdf", pdf_bytes()), ("a.pdf", pdf_bytes())]), "重复的文件"),
    "not a zip": (lambda: SimpleUploadedFile("合同.zip", pdf_bytes()), "不是 ZIP 压缩包"),
    "damaged": (lambda: SimpleUploadedFile("合同.zip", b"PK\x03\x04" + b"\x00" * 64), "已损坏"),
    "lzma": (lambda: _zip([("a.pdf", pdf_bytes())], method=zipfile.ZIP_LZMA), "不支持的压缩方式"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_or_damaged_archive_is_refused_before_any_row(employer, user, kind):
    (number,) = _persons(employer, 1)
    build, reason = HOSTILE[kind]
    with pytest.raises(ApplicationError) as error:
        _import(employer, user, _workbook([_row(number)]), files=[contract_pdf(number), build()])
    assert error.value.field == "contract_files" and error.value.code == "archive"
    assert error.value.message.startswith("无法读取合同附件压缩包 合同")
    assert reason in error.value.message and error.value.message.endswith("未登记任何人员")
    _nothing_saved()


def test_too_many_members_are_refused(employer, user, monkeypatch):
    from anbili.placements import bulk_files

    monkeypatch.setattr(bulk_files, "MAX_FILES", 3)
    (number,) = _persons(employer, 1)
    archive = _zip([(f"{i}.pdf", pdf_bytes()) for i in range(4)])
    with pytest.raises(ApplicationError) as error:
        _import(employer, user, _workbook([_row(number)]), files=[archive])
    assert "文件过多（超过 3 个）" in error.value.message
    _nothing_saved()


def test_a_second_zip_is_refused(employer, user):
    (number,) = _persons(employer, 1)
    files = [_zip([(f"{number}.pdf", pdf_bytes())]), _zip([("b.pdf", pdf_bytes())], name="第二批.zip")]
    with pytest.raises(ApplicationError) as error:
        _import(employer, user, _workbook([_row(number)]), files=files)
    assert error.value.field == "contract_files" and "只能上传一个 ZIP 压缩包" in error.value.message
    _nothing_saved()


def test_a_member_larger_than_an_evidence_file_refuses_the_archive(employer, user, settings):
    settings.EVIDENCE_MAX_BYTES = 1 * MIB
    (number,) = _persons(employer, 1)
    big = b"%PDF-1.4\n" + b"\x01" * (MIB + 1)
    archive = _zip([(f"{number}.pdf", big)], method=zipfile.ZIP_STORED)
    with pytest.raises(ApplicationError) as error:
        _import(employer, user, _workbook([_row(number)]), files=[archive])
    assert "解压后超过 1MB" in error.value.message
    _nothing_saved()
