"""Registration step 2, 合同管理: each contract checked against the contract rules (anbili.rules.contracts,
every problem reported at once) and stored with its files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from anbili.core.errors import ApplicationError, FieldError
from anbili.core.identifiers import validate_uscc
from anbili.core.inputs import choice_value, date_value, text_value
from anbili.employers.models import Employer, RelatedUnit, RelationKind
from anbili.evidence.models import EvidencePurpose
from anbili.placements.models import (
    ContractRelation,
    ContractType,
    DocumentReview,
    Placement,
    PlacementContract,
    PlacementStep,
)
from anbili.placements.services.guards import advance, editable, store
from anbili.placements.verification import filed_companies
from anbili.rules.contracts import PAYER_FIELDS, ContractTerms, contract_problems

MAX_WAGE = Decimal("10000000")


def _uscc(value: Any, field: str, label: str, *, required: bool = True) -> str:
    text = text_value(value, field, label, required=required, limit=18)
    return validate_uscc(text, field=field) if text else ""


def _wage(value: Any) -> Decimal:
    text = text_value("" if value is None else value, "monthly_wage", "合同月薪", limit=None)
    try:
        wage = Decimal(text)
    except InvalidOperation:
        raise ApplicationError("「合同月薪」应为金额（元）", field="monthly_wage", code="invalid") from None
    if not wage.is_finite() or wage <= 0 or wage >= MAX_WAGE:
        raise ApplicationError("「合同月薪」应大于 0 且小于 1000 万元", field="monthly_wage", code="range")
    return wage


class _Collected:
    """Parses each input and keeps every refusal, so that the form shows all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def __call__(self, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return parse(*args, **kwargs)
        except ApplicationError as exc:
            self.errors.extend(exc.errors)
            return None


def _checked_contract(
    placement: Placement, employer: Employer, data: dict[str, Any], *, contract_id: int | None = None
) -> dict[str, Any]:
    """Validate one contract's fields: each input parsed, then the contract rules on the facts (with the
    placement's other contracts, `contract_id` being the one edited); raises one ApplicationError carrying
    every problem. Returns the values to store."""
    year = placement.business_year
    parsed = _Collected()
    is_dispatch = bool(data.get("is_dispatch"))
    contract_type = parsed(
        choice_value, data.get("contract_type"), ContractType.values, "contract_type", "合同类型"
    )
    relation = parsed(
        choice_value,
        data.get("relation") or ContractRelation.OWN,
        ContractRelation.values,
        "relation",
        "关联单位关系",
    )
    start = parsed(date_value, data.get("start"), "start", "合同开始日期")
    open_ended = contract_type in (ContractType.OPEN_ENDED, ContractType.STAFFING)
    end = None if open_ended else parsed(date_value, data.get("end"), "end", "合同结束日期")
    post = parsed(text_value, data.get("post"), "post", "岗位工种", limit=100)
    wage = parsed(_wage, data.get("monthly_wage"))
    payers = {name: parsed(_uscc, data.get(name), name, label) for name, label in PAYER_FIELDS}
    company = (
        parsed(
            _uscc, data.get("dispatch_company_uscc"), "dispatch_company_uscc", "劳务派遣单位", required=False
        )
        if is_dispatch
        else ""
    )
    facts = [contract_type, relation, start, company, *payers.values()]
    if all(value is not None for value in facts) and (open_ended or end is not None):
        units = dict(
            RelatedUnit.objects.filter(employer=employer, business_year=year).values_list("uscc", "relation")
        )
        filed = units.get(company) == RelationKind.DISPATCH and company in filed_companies(
            [company], employer.dpf_region_id, year
        )
        others = PlacementContract.objects.filter(placement=placement)
        if contract_id is not None:
            others = others.exclude(pk=contract_id)  # the contract edited is not compared with itself
        terms = ContractTerms(
            contract_type=contract_type,
            is_dispatch=is_dispatch,
            relation=relation,
            start=start,
            end=end,
            employer_uscc=employer.uscc,
            employer_nature=employer.nature,
            business_year=year,
            related_units=units,
            dispatch_company_uscc=company,
            dispatch_company_filed=filed,
            other_contracts=tuple(others.order_by("start", "pk").values_list("start", "end")),
            **payers,
        )
        parsed.errors += [FieldError(p.message, p.field, p.reason.value) for p in contract_problems(terms)]
    if parsed.errors:
        raise ApplicationError.of(sorted(parsed.errors, key=_field_order))
    return {
        "is_dispatch": is_dispatch,
        "relation": relation,
        "contract_type": contract_type,
        "start": start,
        "end": end,
        "post": post,
        "monthly_wage": wage,
        "dispatch_company_uscc": company,
        **payers,
    }


# The form's field order, so that the first message is the topmost field's.
CONTRACT_FIELDS = [
    "is_dispatch",
    "relation",
    "contract_type",
    "start",
    "end",
    "post",
    "monthly_wage",
    "dispatch_company_uscc",
    "pension_payer_uscc",
    "medical_payer_uscc",
    "wage_payer_uscc",
]


def _field_order(error: FieldError) -> int:
    return CONTRACT_FIELDS.index(error.field) if error.field in CONTRACT_FIELDS else len(CONTRACT_FIELDS)


def _contract_files(
    contract: PlacementContract,
    employer: Employer,
    actor: Any,
    contract_upload: UploadedFile | None,
    dispatch_agreement_upload: UploadedFile | None,
) -> None:
    if contract_upload is not None:
        purpose = (
            EvidencePurpose.STAFFING_ROSTER
            if contract.contract_type == ContractType.STAFFING
            else EvidencePurpose.CONTRACT
        )
        contract.contract_file = store(employer, actor, contract_upload, purpose, "contract_upload")
    elif contract.contract_file_id is None:
        raise ApplicationError("请上传劳动合同（或编制证明）附件", field="contract_upload", code="required")
    if contract.is_dispatch:
        if dispatch_agreement_upload is not None:
            contract.dispatch_agreement_file = store(
                employer,
                actor,
                dispatch_agreement_upload,
                EvidencePurpose.DISPATCH_AGREEMENT,
                "dispatch_agreement_upload",
            )
            # A new agreement waits for the reviewer's decision (services/review.py), even if one was decided.
            contract.agreement_review = DocumentReview.PENDING
        elif contract.dispatch_agreement_file_id is None:
            raise ApplicationError(
                "劳务派遣人员须上传申报单位与劳务派遣单位签订的劳务派遣协议（协议中应明确该人员计入申报单位）",
                field="dispatch_agreement_upload",
                code="required",
            )
    else:
        contract.dispatch_agreement_file = None
        contract.agreement_review = ""


def placement_contract_check(
    *, placement_id: int, employer: Employer, contract_id: int | None = None, **contract_fields: Any
) -> None:
    """Check a contract's fields as placement_contract_add would (every problem at once), writing nothing:
    the page asks it when its own form already refused some fields, so that the contract rules' problems
    show in the same answer."""
    placement = Placement.objects.filter(pk=placement_id, employer=employer).first()
    if placement is None:
        raise ApplicationError("未找到该安置登记", code="not_found")
    _checked_contract(placement, employer, contract_fields, contract_id=contract_id)


def placement_contract_add(
    *,
    placement_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    contract_upload: UploadedFile | None,
    dispatch_agreement_upload: UploadedFile | None = None,
    **contract_fields: Any,
) -> PlacementContract:
    """合同管理 + 添加: validate the contract (≥ 1 year, payers, dispatch rules) and store it with its
    files."""
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        values = _checked_contract(placement, employer, contract_fields)
        contract = PlacementContract(placement=placement, **values)
        _contract_files(contract, employer, actor, contract_upload, dispatch_agreement_upload)
        contract.save()
        advance(placement, PlacementStep.CERTIFICATES)
        placement.save()
        return contract


def placement_contract_update(
    *,
    placement_id: int,
    contract_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    contract_upload: UploadedFile | None = None,
    dispatch_agreement_upload: UploadedFile | None = None,
    **contract_fields: Any,
) -> PlacementContract:
    """Change a contract; new files replace the old ones, otherwise the stored files stay."""
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        contract = PlacementContract.objects.filter(pk=contract_id, placement=placement).first()
        if contract is None:
            raise ApplicationError("未找到该合同", code="not_found")
        checked = _checked_contract(placement, employer, contract_fields, contract_id=contract.pk)
        for name, value in checked.items():
            setattr(contract, name, value)
        _contract_files(contract, employer, actor, contract_upload, dispatch_agreement_upload)
        contract.save()
        placement.save()
        return contract


def placement_contract_delete(
    *, placement_id: int, contract_id: int, employer: Employer, actor: Any, today: date
) -> None:
    """Remove a contract from a draft (its files stay with the unit's evidence)."""
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        deleted, _ = PlacementContract.objects.filter(pk=contract_id, placement=placement).delete()
        if not deleted:
            raise ApplicationError("未找到该合同", code="not_found")
        placement.save()
