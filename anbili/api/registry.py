"""Partner pushes of registry data, batch status, and the person look-up (数据交换接口 · 联网数据).

Every push becomes an import batch processed in the background by the same importer as
`manage.py import_registry`: the endpoint answers 202 with the batch, and the batch-status endpoint reports
progress, the counts and each refused row with its row number and reason.
"""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from anbili.accounts.access import access_registry_person_for_staff
from anbili.accounts.models import AccountKind, User
from anbili.api.auth import partner_auth, portal_session_auth
from anbili.api.errors import ErrorOut, Scalar, ValidationErrorOut
from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from anbili.core.errors import ApplicationError
from anbili.core.identifiers import CERTIFICATE_CATEGORIES, IdentifierError
from anbili.placements.access import access_registry_person_for_employer
from anbili.regions.models import Region
from anbili.registry.models import (
    PARTNER_IMPORT_KINDS,
    BatchChannel,
    Certificate,
    ImportBatch,
    ImportKind,
    PartnerKind,
    PartnerToken,
    RegistryPerson,
)
from anbili.registry.selectors import import_batch_errors, import_batches_for_partner, registry_person_lookup
from anbili.registry.services import import_batch_create, rows_as_jsonl

router = Router(tags=["联网数据"])


class RowErrorOut(Schema):
    row: int = Field(
        description="行号：JSON 推送为 rows 中的序号（从1开始）；文件为表格中的行号（表头为第1行）"
    )
    column: str = Field(description="出错的列（表头名称）；空表示整行")
    message: str


class BatchOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str = Field(
        description="received 已接收 / running 处理中 / done 已完成 / rejected 已拒绝 / failed 处理失败"
    )
    status_label: str
    message: str = Field(description="整批拒绝或处理失败的原因")
    rows_total: int
    rows_done: int
    rows_failed: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    received_at: datetime
    finished_at: datetime | None
    status_url: str


class BatchDetailOut(BatchOut):
    errors_total: int
    errors: list[RowErrorOut]


def _batch_out(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "kind_label": batch.get_kind_display(),
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "message": batch.message,
        "rows_total": batch.rows_total,
        "rows_done": batch.rows_done,
        "rows_failed": batch.rows_failed,
        "rows_created": batch.rows_created,
        "rows_updated": batch.rows_updated,
        "rows_unchanged": batch.rows_unchanged,
        "received_at": batch.received_at,
        "finished_at": batch.finished_at,
        "status_url": reverse("api:registry_batch", kwargs={"batch_id": batch.pk}),
    }


# --- row schemas (loosely typed on purpose: values are checked row by row with Chinese reasons) ---------


class PersonRowIn(Schema):
    id_number: str = Field(max_length=40, description="身份证号（18位）")
    name: str = Field(max_length=100, description="姓名")
    household_region: str = Field(max_length=12, description="户籍地行政区划代码（6位）")


class CertificateRowIn(Schema):
    number: str = Field(
        max_length=40, description="残疾证号（残疾人证：身份证号＋类别＋等级，补发证另加如B1）"
    )
    id_number: str = Field(max_length=40, description="持证人身份证号")
    kind: str = Field(max_length=10, description="证件类型：残疾人证 / 残疾军人证")
    category: Scalar | None = Field(default=None, description="残疾类别 1-7 或 视力残疾 等（残疾军人证可空）")
    level: Scalar = Field(description="残疾等级：残疾人证1-4级，残疾军人证1-10级")
    valid_from: str = Field(max_length=20, description="有效期起（如 2024-03-01）")
    valid_until: str | None = Field(default=None, max_length=20, description="有效期止，空表示长期")
    status: str | None = Field(
        default=None, max_length=10, description="证件状态：正常 / 已换领 / 已注销（默认正常）"
    )
    region_code: str = Field(max_length=12, description="发证地行政区划代码")


class MonthlyRowIn(Schema):
    id_number: str = Field(max_length=40, description="身份证号")
    payer_uscc: str = Field(max_length=40, description="缴费（发放）单位统一社会信用代码")
    month: Scalar = Field(description="所属年月 YYYYMM，例如 202501")
    amount: Scalar = Field(description="金额（元），不能为负，最多两位小数")
    region_code: str = Field(max_length=12, description="参保（发放）地行政区划代码")


class DispatchFilingRowIn(Schema):
    company_uscc: str = Field(max_length=40, description="劳务派遣单位统一社会信用代码")
    company_name: str = Field(max_length=200, description="劳务派遣单位名称")
    region_code: str = Field(max_length=12, description="备案机关行政区划代码")
    filing_number: str | None = Field(default=None, max_length=64, description="备案编号")
    valid_from: str = Field(max_length=20, description="有效期起")
    valid_until: str | None = Field(default=None, max_length=20, description="有效期止，空表示长期")


class MarketUnitRowIn(Schema):
    uscc: str = Field(max_length=40, description="统一社会信用代码")
    name: str = Field(max_length=200, description="单位名称")
    nature: str = Field(
        max_length=20,
        description="单位性质：企业、机关、事业单位、社会团体、民办非企业单位、个体工商户、其他",
    )
    region_code: str = Field(max_length=12, description="登记地行政区划代码")


ROW_SCHEMAS: dict[str, type[Schema]] = {
    ImportKind.PERSON: PersonRowIn,
    ImportKind.CERTIFICATE: CertificateRowIn,
    ImportKind.PENSION: MonthlyRowIn,
    ImportKind.MEDICAL: MonthlyRowIn,
    ImportKind.WAGE: MonthlyRowIn,
    ImportKind.DISPATCH_FILING: DispatchFilingRowIn,
    ImportKind.MARKET_UNIT: MarketUnitRowIn,
}
PARTNER_OF_KIND = {kind: partner for partner, kinds in PARTNER_IMPORT_KINDS.items() for kind in kinds}

PUSH_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    413: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}


def _partner_token(request: HttpRequest) -> PartnerToken:
    token = request.auth  # type: ignore[attr-defined]
    if not isinstance(token, PartnerToken):
        raise HttpError(401, "缺少访问令牌")
    return token


def _create_batch(
    request: HttpRequest, kind: str, content: bytes, file_name: str, channel: str
) -> ImportBatch:
    token = _partner_token(request)
    try:
        batch = import_batch_create(
            kind=kind, content=content, file_name=file_name, partner=token.partner, channel=channel
        )
    except ApplicationError as error:
        status = {"forbidden_kind": 403, "too_large": 413}.get(error.code, 400)
        raise HttpError(status, error.message) from error
    batch.refresh_from_db()  # the immediate task backend (development) may already have run it
    return batch


def _refuse_other_kinds(request: HttpRequest, kind: str) -> None:
    partner = _partner_token(request).partner
    if kind not in PARTNER_IMPORT_KINDS[partner.kind]:
        raise HttpError(
            403, f"合作方类型“{partner.get_kind_display()}”无权推送“{ImportKind(kind).label}”数据"
        )


def _register_push(kind: ImportKind) -> None:
    row_schema = ROW_SCHEMAS[kind]
    partner_label = PartnerKind(PARTNER_OF_KIND[kind]).label
    max_rows = settings.REGISTRY_API_MAX_ROWS

    # A class per kind with its own name: OpenAPI components are keyed by class name.
    PushIn = type(
        f"{kind.value.title().replace('_', '')}PushIn",
        (Schema,),
        {
            "__annotations__": {"rows": list[row_schema]},  # type: ignore[valid-type]
            "rows": Field(min_length=1, max_length=max_rows, description=f"数据行，每次最多 {max_rows} 行"),
        },
    )

    @router.post(
        f"/{kind.value}/batches",
        response={202: BatchOut, **PUSH_ERRORS},
        auth=partner_auth,
        url_name=f"registry_push_{kind.value}",
        operation_id=f"registry_push_{kind.value}",
        summary=f"推送{kind.label}数据（JSON）",
        description=(
            f"仅限“{partner_label}”类合作方，且只能推送本省数据：其他省份的行、以及会改动其他省份已有记录的行逐行拒绝。"
            "返回导入批次；处理进度与失败行通过批次状态接口查询。同一数据重复推送不会产生变化。"
        ),
    )
    def push_rows(request: HttpRequest, payload: PushIn) -> Status[dict[str, Any]]:  # type: ignore[valid-type]
        _refuse_other_kinds(request, kind)
        rows: list[Schema] = payload.rows  # type: ignore[attr-defined]
        content = rows_as_jsonl(row.model_dump() for row in rows)
        return Status(202, _batch_out(_create_batch(request, kind, content, "", BatchChannel.API_ROWS)))

    @router.post(
        f"/{kind.value}/files",
        response={202: BatchOut, **PUSH_ERRORS},
        auth=partner_auth,
        url_name=f"registry_upload_{kind.value}",
        operation_id=f"registry_upload_{kind.value}",
        summary=f"上传{kind.label}文件（CSV / XLSX / JSON Lines）",
        description=(
            f"仅限“{partner_label}”类合作方。CSV 可为 UTF-8 或 GBK 编码；XLSX 中身份证号等列须为文本格式。"
            f"单个文件最多 {settings.REGISTRY_IMPORT_MAX_ROWS} 行。列名见 docs/registry.md。"
        ),
    )
    def upload_file(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
        _refuse_other_kinds(request, kind)
        if file.size is not None and file.size > settings.REGISTRY_IMPORT_MAX_BYTES:
            raise HttpError(
                413, f"文件过大，单个文件最多 {settings.REGISTRY_IMPORT_MAX_BYTES // (1024 * 1024)} MB"
            )
        content = file.read()
        return Status(
            202, _batch_out(_create_batch(request, kind, content, file.name or "", BatchChannel.API_FILE))
        )


for _kind in ImportKind:
    _register_push(_kind)


class BatchListQuery(Schema):
    offset: int = Field(default=0, ge=0, le=1_000_000)
    limit: int = Field(default=50, ge=1, le=200)


@router.get(
    "/batches",
    response={200: list[BatchOut], 401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    auth=partner_auth,
    url_name="registry_batches",
    operation_id="registry_batches",
    summary="本合作方的导入批次（最新在前）",
)
def batch_list(request: HttpRequest, query: Query[BatchListQuery]) -> list[dict[str, Any]]:
    batches = import_batches_for_partner(_partner_token(request).partner)[
        query.offset : query.offset + query.limit
    ]
    return [_batch_out(batch) for batch in batches]


class BatchErrorsQuery(Schema):
    errors_offset: int = Field(default=0, ge=0, le=10_000_000)
    errors_limit: int = Field(default=100, ge=1, le=1000)


@router.get(
    "/batches/{batch_id}",
    response={200: BatchDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    auth=partner_auth,
    url_name="registry_batch",
    operation_id="registry_batch",
    summary="导入批次状态：进度、结果与失败行",
)
def batch_detail(request: HttpRequest, batch_id: int, query: Query[BatchErrorsQuery]) -> dict[str, Any]:
    batch = import_batches_for_partner(_partner_token(request).partner).filter(pk=batch_id).first()
    if batch is None:
        raise HttpError(404, "没有找到该导入批次")
    errors = import_batch_errors(batch, offset=query.errors_offset, limit=query.errors_limit)
    return {
        **_batch_out(batch),
        "errors_total": batch.row_errors.count(),
        "errors": [{"row": e.row_number, "column": e.column, "message": e.message} for e in errors],
    }


class CertificateOut(Schema):
    number: str
    kind: str = Field(description="残疾人证 / 残疾军人证")
    category: int | None
    category_label: str
    level: int
    valid_from: date
    valid_until: date | None
    status: str
    status_label: str
    in_force: bool = Field(description="今天是否在有效期内")


class PersonOut(Schema):
    id_number: str
    name: str
    sex: str
    birth_date: date
    household_region: str
    household_region_name: str
    current_certificate: CertificateOut | None
    source: str
    received_at: datetime


def _certificate_out(certificate: Certificate | None, today: date) -> dict[str, Any] | None:
    if certificate is None:
        return None
    return {
        "number": certificate.number,
        "kind": certificate.kind,
        "category": certificate.category,
        "category_label": CERTIFICATE_CATEGORIES.get(certificate.category or 0, ""),
        "level": certificate.level,
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
        "status": certificate.status,
        "status_label": certificate.get_status_display(),
        "in_force": certificate.valid_from <= today
        and (certificate.valid_until is None or certificate.valid_until >= today),
    }


PERSON_NOT_FOUND = "残疾人人口基础库中没有该身份证号的记录，请手工填写带*的信息"


def _person_for_partner(token: PartnerToken, id_number: str) -> RegistryPerson:
    """A disability-registry partner looks up persons of its own province only (404 for the others)."""
    if token.partner.kind != PartnerKind.DISABILITY_REGISTRY:
        raise HttpError(403, "本合作方无权查询残疾人信息")
    person = registry_person_lookup(id_number)
    if person is None or not person.household_region.startswith(token.partner.province_prefix):
        raise Http404
    return person


def _person_by_need(request: HttpRequest, id_number: str) -> tuple[RegistryPerson, dict[str, Any]]:
    """The person through the caller's own gate (staff: jurisdiction; employer: a registration in progress;
    partner: province), with what the audit row records about the grant."""
    token = request.auth  # type: ignore[attr-defined]
    if isinstance(token, PartnerToken):
        person = _person_for_partner(token, id_number)
        return person, {"partner_id": token.partner_id, "partner": token.partner.name, "token_id": token.pk}
    if isinstance(token, User) and token.kind == AccountKind.STAFF:
        return access_registry_person_for_staff(request, id_number), {"via": "staff"}
    person, placement = access_registry_person_for_employer(request, id_number)
    return person, {"via": "registration", "employer_id": placement.employer_id, "placement_id": placement.pk}


@router.get(
    "/persons/{id_number}",
    response={200: PersonOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    auth=[portal_session_auth, partner_auth],
    url_name="registry_person",
    operation_id="registry_person",
    summary="按身份证号查询残疾人信息（网报系统“添加残疾人”）",
    description=(
        "按需查询，每次查询均记入审计日志。残联工作人员只能查户籍地在本辖区内的人员；用人单位只能查本单位"
        "正在登记（资料待完善）的人员，即先在“添加残疾人”中输入身份证号；合作方令牌仅限残疾人人口基础库，"
        "且只能查本省户籍。无权查询与查不到时同样返回 404，单位需手工填写带*的信息。"
    ),
)
def person_lookup(request: HttpRequest, id_number: str) -> dict[str, Any]:
    try:
        person, grant = _person_by_need(request, id_number[:40])
    except IdentifierError as error:
        raise HttpError(400, error.message) from error
    except Http404:
        # The same answer whether the registry lacks the number or the caller may not see it.
        raise HttpError(404, PERSON_NOT_FOUND) from None
    audit_record(
        AuditAction.PERSON_LOOKUP,
        request=request,
        obj=person,
        object_label=f"{person.name}（{person.id_number}）",  # masked by audit_record
        region_code=person.household_region,
        detail=grant,
    )
    region = Region.objects.select_related("parent__parent").filter(code=person.household_region).first()
    return {
        "id_number": person.id_number,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "household_region": person.household_region,
        "household_region_name": region.full_name if region else "",
        "current_certificate": _certificate_out(person.current_certificate, timezone.localdate()),
        "source": person.get_source_display(),
        "received_at": person.received_at,
    }
