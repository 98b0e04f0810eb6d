"""The levy estimate (残保金计算器) for other systems: `POST /api/v1/levy/estimate`, no login.

The body is parsed here rather than by a ninja schema so that every refusal, including a wrong JSON type, is a
422 with a Chinese message per field (ninja's own validation errors are English and keyed by pydantic paths).
The request schema is still declared in the OpenAPI document. Being public, the estimate is rate-limited per
client address (LEVY_ESTIMATE_RATE_LIMIT_PER_MINUTE, anbili.api.ratelimit).
"""

import json
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status

from anbili.api.ratelimit import client_address, rate_limit
from anbili.employers.levy import (
    MAX_YEAR,
    MIN_YEAR,
    LevyInputError,
    decimal_pattern,
    levy_estimate,
    levy_estimate_input_parse,
    plain,
)
from anbili.employers.models import UnitNature

router = Router(tags=["残保金计算器"])


def _decimal(key: str, description: str, example: str) -> dict[str, Any]:
    return {"type": "string", "pattern": decimal_pattern(key), "description": description, "example": example}


REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "LevyEstimateIn",
    "additionalProperties": False,
    "required": ["province", "year", "unit_nature", "placed_person_months"],
    # Exactly one of each pair.
    "allOf": [
        {"oneOf": [{"required": ["employees"]}, {"required": ["employee_months"]}]},
        {"oneOf": [{"required": ["average_monthly_wage"]}, {"required": ["average_annual_wage"]}]},
    ],
    "description": (
        "employees 与 employee_months 须且只须填写一项；average_monthly_wage 与 average_annual_wage 须且只须"
        "填写一项。小数一律以字符串传递。"
    ),
    "properties": {
        "province": {
            "type": "string",
            "pattern": r"^[0-9]{2}([0-9]{4})?$",
            "description": "省份：GB/T 2260 行政区划代码，2 位或 6 位",
            "example": "15",
        },
        "year": {
            "type": "integer",
            "minimum": MIN_YEAR,
            "maximum": MAX_YEAR,
            "description": "业务年度",
            "example": 2025,
        },
        "unit_nature": {
            "type": "string",
            "enum": list(UnitNature.values),
            "description": "单位性质：" + "、".join(f"{v}（{label}）" for v, label in UnitNature.choices),
        },
        "employees": _decimal("employees", "年平均在职职工人数", "32.3333"),
        "employee_months": _decimal("employee_months", "12 个月在职职工人数之和", "388"),
        "average_monthly_wage": _decimal("average_monthly_wage", "单位在职职工月平均工资（元）", "3024.33"),
        "average_annual_wage": _decimal("average_annual_wage", "单位在职职工年平均工资（元）", "36292.00"),
        "placed_person_months": _decimal("placed_person_months", "安置人月数，重度残疾人已按 2 倍折算", "0"),
        "ratio": _decimal("ratio", "安置比例（小数，覆盖政策参数表），例如 0.015", "0.015"),
        "social_average_wage": _decimal(
            "social_average_wage", "当地社会年平均工资（元，覆盖政策参数表）", "98000.00"
        ),
    },
}


class StepOut(Schema):
    label: str
    formula: str
    result: str


class LevyEstimateOut(Schema):
    exempt: bool
    reason: Literal["exempt_small_enterprise", "quota_met", "levy_due"]
    base: str
    factor: str
    payable: str
    levy_without_placement: str
    saving: str
    persons_needed: int
    severe_persons_needed: int
    steps: list[StepOut]


class LevyErrorOut(Schema):
    detail: str
    errors: dict[str, str]


class RateLimitedOut(Schema):
    detail: str


@router.post(
    "/estimate",
    response={200: LevyEstimateOut, 422: LevyErrorOut, 429: RateLimitedOut},
    summary="残保金估算",
    description=(
        "按《残疾人就业保障金征收使用管理办法》（财税〔2015〕72号）及分档减缴、小微企业免征政策估算残保金。"
        "结果仅供参考，具体数额以税务部门核算结果为准。输入有误时返回 422，errors 按字段给出中文说明。"
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": REQUEST_SCHEMA}}}
    },
)
def estimate(request: HttpRequest) -> Status[dict[str, Any]]:
    # Counted before the body is read: a flood of malformed bodies is a flood as well.
    rate_limit("levy", client_address(request), limit=settings.LEVY_ESTIMATE_RATE_LIMIT_PER_MINUTE)
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, RecursionError):
        return Status(
            422, {"detail": "请求内容不是有效的 JSON", "errors": {"body": "请求内容不是有效的 JSON"}}
        )
    try:
        result = levy_estimate(levy_estimate_input_parse(data))
    except LevyInputError as exc:
        return Status(422, {"detail": "输入有误，请按提示修改", "errors": exc.field_messages})
    return Status(
        200,
        {
            "exempt": result.exempt,
            "reason": result.result.levy.reason.value,
            "base": str(result.base),
            "factor": plain(result.factor),
            "payable": str(result.payable),
            "levy_without_placement": str(result.levy_without_placement),
            "saving": str(result.saving),
            "persons_needed": result.persons_needed,
            "severe_persons_needed": result.severe_persons_needed,
            "steps": [{"label": s.label, "formula": s.formula, "result": s.result} for s in result.steps],
        },
    )
