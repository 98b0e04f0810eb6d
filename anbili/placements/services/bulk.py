"""The paths that register many persons at once: 导入上一年申报名单 and the Excel bulk registration (each row
through the same services as the pages; every problem of a wrong row in the report). A bulk row counts only
with its contract file (named by the ID number, loose or in one ZIP: anbili.placements.bulk_files); a row
without one stays a draft at 合同管理."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from anbili.core.errors import ApplicationError
from anbili.core.inputs import search_text
from anbili.core.messages import join_messages
from anbili.employers.models import Employer
from anbili.placements.bulk import LABELS, BulkImportReport, BulkRow, RowOutcome, read_rows
from anbili.placements.bulk_files import ContractFile, contract_files_collect
from anbili.placements.models import (
    ContractRelation,
    ContractType,
    DocumentReview,
    HouseholdType,
    Placement,
    PlacementContract,
    PlacementStatus,
    PlacementStep,
)
from anbili.placements.services.contracts import _checked_contract, _contract_files
from anbili.placements.services.guards import advance, check_unit_info, check_writable, editable
from anbili.placements.services.months import placement_months_save
from anbili.placements.services.registration import placement_person_update, placement_start
from anbili.placements.services.verify import placement_verify
from anbili.placements.services.workflow import placement_created
from anbili.rules.checks import CheckCode
from anbili.rules.contracts import PAYER_FIELDS

PERSON_COPY_FIELDS = [
    "name",
    "sex",
    "birth_date",
    "household_type",
    "household_region_id",
    "household_address",
    "phone",
    "education",
    "guardian_name",
    "guardian_phone",
    "is_graduate",
    "school",
    "degree",
    "graduation_date",
    "diploma_id",
    "in_registry",
    "female_base_age",
]


CONTRACT_COPY_FIELDS = [
    "is_dispatch",
    "relation",
    "contract_type",
    "start",
    "end",
    "post",
    "monthly_wage",
    "dispatch_company_uscc",
    "wage_payer_uscc",
    "pension_payer_uscc",
    "medical_payer_uscc",
    "contract_file_id",
    "dispatch_agreement_file_id",
]


def placements_import_last_year(
    *, employer: Employer, actor: Any, business_year: int, today: date
) -> list[Placement]:
    """导入上一年申报名单: drafts for last year's registered persons not yet on this year's list, with their
    person details and the contracts still running into this year."""
    with transaction.atomic():
        check_writable(employer, business_year, today)
        check_unit_info(employer, business_year)
        previous = list(
            Placement.objects.filter(employer=employer, business_year=business_year - 1)
            .exclude(status=PlacementStatus.DRAFT)
            .prefetch_related("contracts")
            .order_by("pk")
        )
        if not previous:
            raise ApplicationError(
                f"{business_year - 1} 业务年度没有已申报的安置人员，无可导入名单", code="empty"
            )
        present = set(
            Placement.objects.filter(employer=employer, business_year=business_year).values_list(
                "id_number", flat=True
            )
        )
        created: list[Placement] = []
        first_day = date(business_year, 1, 1)
        for old in previous:
            if old.id_number in present:
                continue
            placement = Placement(
                employer=employer,
                business_year=business_year,
                id_number=old.id_number,
                step=PlacementStep.PERSON,
                created_by=actor,
                **{name: getattr(old, name) for name in PERSON_COPY_FIELDS},
            )
            placement.save()
            running = [c for c in old.contracts.all() if c.end is None or c.end >= first_day]
            for contract in running:
                PlacementContract.objects.create(
                    placement=placement,
                    **{name: getattr(contract, name) for name in CONTRACT_COPY_FIELDS},
                    # This year's reviewer decides the copied dispatch agreement anew (services/review.py).
                    agreement_review=DocumentReview.PENDING
                    if contract.is_dispatch and contract.dispatch_agreement_file_id
                    else "",
                )
            placement_created(placement, actor, f"导入{business_year - 1}年申报名单")
            created.append(placement)
        return created


_HOUSEHOLD_WORDS = {label: value for value, label in HouseholdType.choices}


_CONTRACT_WORDS = {label: value for value, label in ContractType.choices} | {"编制": ContractType.STAFFING}


_YES_NO = {"是": True, "否": False}


_DRAFT_AT_CONTRACTS = "已保存为草稿（资料待完善），请在“合同管理”中点击“修改”上传合同附件后继续登记"


def _stored_contract_file(
    contract: PlacementContract, employer: Employer, actor: Any, files: list[ContractFile]
) -> str:
    """Store the row's one contract file through the evidence store (the type sniffed by content) and
    attach it; the reason in Chinese when there is none, several, or the store refuses it ("" when stored)."""
    if not files:
        return f"未上传该人员的「合同附件」（文件名应为身份证号，如 身份证号.pdf），{_DRAFT_AT_CONTRACTS}"
    if len(files) > 1:
        names = "、".join(f.shown for f in files)
        return (
            f"有 {len(files)} 个文件对应该身份证号（{names}），「合同附件」只能有一个，{_DRAFT_AT_CONTRACTS}"
        )
    try:
        with files[0].opened() as upload:
            _contract_files(contract, employer, actor, upload, None)
    except ApplicationError as exc:
        return f"「合同附件」{files[0].shown} 未保存：{exc.message}；{_DRAFT_AT_CONTRACTS}"
    return ""


def _bulk_row(
    employer: Employer,
    actor: Any,
    business_year: int,
    today: date,
    data: dict[str, str],
    files: list[ContractFile],
) -> tuple[str, str, Placement]:
    """Register one template row through the same services as the pages; returns (outcome, message,
    placement). Without its contract file the row stays a draft at 合同管理."""
    graduate = _YES_NO.get(data["is_graduate"])
    if graduate is None:
        raise ApplicationError("请填写“是”或“否”", field="is_graduate")
    if graduate:
        raise ApplicationError(
            "高校毕业生须上传学历学位证明，请通过“添加残疾人”逐个登记", field="is_graduate"
        )
    contract_type = _CONTRACT_WORDS.get(data["contract_type"])
    if contract_type is None:
        raise ApplicationError(
            "应为 劳动合同 / 无固定期限劳动合同 / 编制（在编证明）；劳务派遣人员须上传派遣协议，请逐个登记",
            field="contract_type",
        )
    placement = placement_start(
        employer=employer, actor=actor, id_number=data["id_number"], business_year=business_year, today=today
    )
    placement_person_update(
        placement_id=placement.pk,
        employer=employer,
        actor=actor,
        today=today,
        name=data["name"],
        household_type=_HOUSEHOLD_WORDS.get(data["household_type"], data["household_type"]),
        household_region=data["household_region"],
        household_address=data["household_address"],
        phone=data["phone"],
        is_graduate=False,
    )
    payers = {key: data[key] or employer.uscc for key, _ in PAYER_FIELDS}
    fields = {
        "is_dispatch": False,
        "relation": ContractRelation.OWN
        if set(payers.values()) == {employer.uscc}
        else ContractRelation.RELATED,
        "contract_type": contract_type,
        "start": data["start"],
        "end": data["end"] or None,
        "post": data["post"],
        "monthly_wage": data["monthly_wage"],
        **payers,
    }
    with transaction.atomic():
        locked = editable(placement.pk, employer, today)
        contract = PlacementContract(placement=locked, **_checked_contract(locked, employer, fields))
        problem = _stored_contract_file(contract, employer, actor, files)
        # Without its file the contract is kept (what the row says is not typed again) and never counts:
        # the draft waits at 合同管理, and placement_months_save refuses it until the file is there.
        contract.save()
        if problem:
            locked.save()
            return RowOutcome.NEEDS_CONTRACT, problem, locked
        advance(locked, PlacementStep.VERIFY)
        locked.save()
    months = placement_verify(placement_id=placement.pk, employer=employer, today=today)
    failed = [row for row in months if not row.auto_passed]
    if failed:
        detail = "；".join(
            f"{row.month}：{'、'.join(CheckCode(c).label for c in row.failed_checks)}" for row in failed
        )
        return (
            RowOutcome.NEEDS_EVIDENCE,
            f"以下月份核验不通过，请在列表中继续填写并上传材料：{detail}",
            placement,
        )
    saved = placement_months_save(
        placement_id=placement.pk, employer=employer, actor=actor, today=today, months=[]
    )
    return RowOutcome.CONFIRMED, "12 个月均系统核验通过，已由系统确认", saved


def placements_bulk_import(
    *,
    employer: Employer,
    actor: Any,
    business_year: int,
    today: date,
    content: bytes,
    file_name: str,
    contract_files: Sequence[UploadedFile] = (),
) -> BulkImportReport:
    """Excel bulk registration with the contract files (several, or one ZIP, each named by the ID number):
    each row is registered and verified on its own (a wrong row changes nothing); the report says per row
    confirmed / needs evidence / waits for its contract file / wrong and why, and lists the files no row
    names (never stored). A hostile or damaged archive is refused before any row is registered."""
    with transaction.atomic():
        check_writable(employer, business_year, today)
        check_unit_info(employer, business_year)
    rows = read_rows(content, file_name)
    if not rows:
        raise ApplicationError("模板中没有填写任何人员", field="file", code="empty")
    with contract_files_collect(contract_files) as files:
        report = _bulk_rows(employer, actor, business_year, today, rows, files.for_row)
        report.file_name = file_name
        report.unmatched_files = files.unmatched([data["id_number"] for _, data in rows])
    return report


def _bulk_rows(
    employer: Employer,
    actor: Any,
    business_year: int,
    today: date,
    rows: list[tuple[int, dict[str, str]]],
    files_for: Callable[[str], list[ContractFile]],
) -> BulkImportReport:
    """Each row in its own savepoint, with the files its ID number names."""
    report = BulkImportReport(file_name="")
    seen: dict[str, int] = {}
    for number, data in rows:
        # Compared as core reads it (NFKC, no blank or hidden character): 全角 and half-width are one number.
        id_number = search_text(data["id_number"]).replace(" ", "").upper()
        if id_number in seen:
            report.rows.append(
                BulkRow(
                    number, id_number, data["name"], RowOutcome.WRONG, f"身份证号与第{seen[id_number]}行重复"
                )
            )
            continue
        seen[id_number] = number
        try:
            with transaction.atomic():
                outcome, message, placement = _bulk_row(
                    employer, actor, business_year, today, data, files_for(id_number)
                )
        except ApplicationError as exc:
            report.rows.append(
                BulkRow(number, id_number, data["name"], RowOutcome.WRONG, _row_problems(number, exc))
            )
            continue
        report.rows.append(BulkRow(number, id_number, placement.name, outcome, message, placement.pk))
    return report


def _row_problems(number: int, exc: ApplicationError) -> str:
    """第N行「列」：原因 for each problem of the row (a contract refused for two reasons names both)."""
    parts = []
    for error in exc.errors:
        column = LABELS.get(error.field or "", "")
        parts.append(f"「{column}」：{error.message}" if column else error.message)
    prefix = f"第{number}行" if LABELS.get(exc.errors[0].field or "") else f"第{number}行："
    return prefix + join_messages(parts)
