"""用户中心 of a legal person (seed 003 7: 可在此切换同一法人名下其他单位; seed 004: 用户中心): the units
held, 新增单位 with the checks of 法人注册, and the default unit. One account per legal person, so a second
unit is added here, never by registering again (accounts.services.employer_register says so)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from anbili.accounts.models import AccountKind, Membership, MembershipRole, User
from anbili.core.errors import ApplicationError, ErrorCollector
from anbili.core.identifiers import validate_uscc
from anbili.core.inputs import choice_value, text_value
from anbili.employers.models import Employer, UnitNature
from anbili.regions.models import Region, RegionLevel

DUPLICATE_USCC = "该统一社会信用代码已注册，不能重复新增；如该单位不是由您注册的，请联系残联核实"


def _county(code: str, field: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip(), level=RegionLevel.COUNTY).first()
    if region is None:
        raise ApplicationError("请选择「残联主管部门（所在区县）」", field=field)
    return region


@transaction.atomic
def legal_person_unit_add(
    *, legal_person: User, uscc: str, unit_name: str, nature: str, region_code: str
) -> Membership:
    """新增单位: a unit of the same legal person, checked as at registration (USCC check digit, name, nature,
    the DPF county; a USCC registered already is refused), every problem at once. The new unit is not the
    default; the legal person's name and ID number are the account's."""
    if legal_person.kind != AccountKind.LEGAL_PERSON:
        raise ApplicationError("只有单位法定代表人可以新增单位", code="forbidden")
    check = ErrorCollector()
    uscc = check(validate_uscc, uscc, field="uscc") or ""
    unit_name = check(text_value, unit_name, "unit_name", "单位名称") or ""
    nature = check(choice_value, nature, UnitNature.values, "nature", "单位性质") or ""
    region = check(_county, region_code, "region_code")
    if uscc and Employer.objects.filter(uscc=uscc).exists():
        check.add(DUPLICATE_USCC, "uscc", "duplicate")
    check.raise_if_any()
    assert region is not None
    try:
        with transaction.atomic():  # a double submit passed the check above too: the unique USCC decides
            employer = Employer.objects.create(
                uscc=uscc,
                name=unit_name,
                nature=nature,
                dpf_region=region,
                tax_region=region,
                admin_region=region,
                legal_person_name=legal_person.full_name,
                legal_person_id_number=legal_person.id_number or "",
            )
    except IntegrityError as exc:
        raise ApplicationError(DUPLICATE_USCC, field="uscc") from exc
    return Membership.objects.create(
        user=legal_person, employer=employer, role=MembershipRole.LEGAL_PERSON, is_default=False
    )


@transaction.atomic
def membership_default_set(*, legal_person: User, employer_id: int) -> Membership:
    """设置默认: the unit a login without a chosen unit (e.g. provincial SSO) acts for; exactly one."""
    memberships = list(
        Membership.objects.select_for_update().filter(user=legal_person, role=MembershipRole.LEGAL_PERSON)
    )
    chosen = next((m for m in memberships if m.employer_id == employer_id), None)
    if chosen is None:
        raise ApplicationError("该单位不在您的名下", code="not_found")
    Membership.objects.filter(pk__in=[m.pk for m in memberships if m.pk != chosen.pk]).update(
        is_default=False
    )
    if not chosen.is_default:
        chosen.is_default = True
        chosen.save(update_fields=["is_default"])
    return chosen
