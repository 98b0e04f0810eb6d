"""Writes about accounts: registration, agents, staff, passwords, unit switching."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from anbili.accounts.backends import EMPLOYER_REALM, STAFF_REALM
from anbili.accounts.lockout import account_counter_key
from anbili.accounts.models import (
    SYSTEM_ADMIN_ROLES,
    AccountKind,
    Membership,
    MembershipRole,
    StaffRole,
    User,
)
from anbili.core.errors import ApplicationError, ErrorCollector, FieldError
from anbili.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from anbili.core.inputs import text_value
from anbili.employers.models import Employer
from anbili.employers.validation import validate_phone
from anbili.regions.models import Region, RegionLevel

SESSION_EMPLOYER = "current_employer_id"


def _password_check(password: str, user: User | None = None, *, field: str = "password") -> None:
    """settings.AUTH_PASSWORD_VALIDATORS (anbili/accounts/passwords.py): each refusal at the field."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError.of(
            [FieldError(message, field, "password") for message in exc.messages]
        ) from exc


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    employer_id: int | None = None
    message: str = ""


def employer_login_check(request: HttpRequest, *, account: str, password: str) -> LoginOutcome:
    """Authenticate an employer user and pick the unit the session acts for; explain any refusal."""
    user = authenticate(request, username=account.strip(), password=password, realm=EMPLOYER_REALM)
    if user is None:
        return LoginOutcome(None, message="账号或密码错误")
    assert isinstance(user, User)
    today = timezone.localdate()
    if user.kind == AccountKind.LEGAL_PERSON:
        return LoginOutcome(user, employer_id=getattr(user, "login_employer_id", None))
    memberships = list(Membership.objects.filter(user=user).order_by("-is_default", "-valid_until"))
    valid = [m for m in memberships if m.is_valid_on(today)]
    if valid:
        return LoginOutcome(user, employer_id=valid[0].employer_id)
    if not memberships:
        return LoginOutcome(None, message="该经办人账号未获得任何单位授权，请联系单位法定代表人")
    latest = memberships[0]
    if latest.valid_from and today < latest.valid_from:
        when = latest.valid_from.isoformat()
        return LoginOutcome(None, message=f"经办人授权自 {when} 起生效，目前尚不能登录")
    until = latest.valid_until.isoformat() if latest.valid_until else ""
    return LoginOutcome(None, message=f"经办人授权已于 {until} 到期，请联系单位法定代表人重新授权")


def login_failures_reset(account: str, realm: str = EMPLOYER_REALM) -> None:
    """Forget an account's failed logins after it logged in, under the counter key of every spelling (axes
    resets by the user's internal name too, which resolves to the same key)."""
    from axes.utils import reset

    key = account_counter_key(account, realm)
    if key:
        reset(username=key)


def staff_login_check(request: HttpRequest, *, username: str, password: str) -> LoginOutcome:
    """Authenticate a DPF staff member."""
    user = authenticate(request, username=username.strip(), password=password, realm=STAFF_REALM)
    if user is None:
        return LoginOutcome(None, message="用户名或密码错误")
    assert isinstance(user, User)
    return LoginOutcome(user)


def _county(code: str, field: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ApplicationError("请选择有效的行政区划", field=field)
    return region


@transaction.atomic
def employer_register(
    *,
    uscc: str,
    unit_name: str,
    nature: str,
    region_code: str,
    legal_person_name: str,
    legal_person_id_number: str,
    phone: str,
    password: str,
) -> Membership:
    """法人注册: create the unit and its legal person's account (one account per legal person). Every input
    is checked (normalised by core: names never keep a hidden character), every problem reported at once."""
    check = ErrorCollector()
    uscc = check(validate_uscc, uscc, field="uscc") or ""
    unit_name = check(text_value, unit_name, "unit_name", "单位名称") or ""
    region = check(_county, region_code, "region_code")
    legal_person_name = check(text_value, legal_person_name, "legal_person_name", "法人姓名", limit=50) or ""
    id_number = (
        check(
            validate_id_number, legal_person_id_number, field="legal_person_id_number", label="法人身份证号"
        )
        or ""
    )
    phone = check(validate_phone, phone, field="phone", label="法人手机号", mobile_only=True) or ""
    if uscc and Employer.objects.filter(uscc=uscc).exists():
        check.add("该统一社会信用代码已注册，请直接登录或找回密码", "uscc", "duplicate")
    if id_number and User.objects.filter(username=id_number).exists():
        check.add(
            "该法定代表人已有账号（每位法人只能拥有一个账号），请登录后在用户中心新增单位",
            "legal_person_id_number",
            "duplicate",
        )
    user = User(
        username=id_number,
        kind=AccountKind.LEGAL_PERSON,
        full_name=legal_person_name,
        id_number=id_number,
        phone=phone,
    )
    check(_password_check, password, user)
    check.raise_if_any()
    assert region is not None
    user.set_password(password)
    # The checks above read before either of two simultaneous registrations wrote: the unique constraints
    # decide, each in a savepoint so that the refusal leaves the outer transaction usable to roll back.
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "该法定代表人已有账号（每位法人只能拥有一个账号），请登录后在用户中心新增单位",
            field="legal_person_id_number",
        ) from exc
    try:
        with transaction.atomic():
            employer = Employer.objects.create(
                uscc=uscc,
                name=unit_name,
                nature=nature,
                dpf_region=region,
                tax_region=region,
                admin_region=region,
                legal_person_name=legal_person_name,
            )
    except IntegrityError as exc:
        raise ApplicationError("该统一社会信用代码已注册，请直接登录或找回密码", field="uscc") from exc
    return Membership.objects.create(
        user=user, employer=employer, role=MembershipRole.LEGAL_PERSON, is_default=True
    )


@transaction.atomic
def agent_create(
    *,
    legal_person: User,
    employer_id: int,
    username: str,
    full_name: str,
    phone: str,
    valid_from: date,
    valid_until: date,
    password: str,
) -> Membership:
    """The legal person authorises an agent (经办人) for one unit for a period. Every input is checked before
    anything is stored, and every problem is reported at once (each at its field)."""
    if not Membership.objects.filter(
        user=legal_person, employer_id=employer_id, role=MembershipRole.LEGAL_PERSON
    ).exists():
        raise ApplicationError("只有单位法定代表人可以授权经办人")
    user = _checked_agent(username, full_name, phone, valid_from, valid_until, password)
    user.set_password(password)
    try:
        with transaction.atomic():  # a double submit passed the check above too: the unique name decides
            user.save()
    except IntegrityError as exc:
        raise ApplicationError("该账号已被使用，请换一个", field="username") from exc
    return Membership.objects.create(
        user=user,
        employer_id=employer_id,
        role=MembershipRole.AGENT,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=legal_person,
    )


def _checked_agent(
    username: str,
    full_name: str,
    phone: str,
    valid_from: date | None,
    valid_until: date | None,
    password: str,
) -> User:
    """The agent's account as it would be created (unsaved), every input checked; raises one ApplicationError
    with every problem. A date the form already refused (None) is not compared."""
    check = ErrorCollector()
    username = check(_agent_username, username) or ""
    full_name = check(text_value, full_name, "full_name", "经办人姓名", limit=50) or ""
    phone = check(validate_phone, phone, field="phone", label="经办人手机号", mobile_only=True) or ""
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        check.add("授权截止日期不能早于授权开始日期", "valid_until")
    elif valid_until is not None and valid_until < timezone.localdate():
        check.add("授权截止日期不能早于今天", "valid_until")
    user = User(username=username, kind=AccountKind.AGENT, full_name=full_name, phone=phone)
    check(_password_check, password, user)
    check.raise_if_any()
    return user


def agent_check(
    *,
    username: str = "",
    full_name: str = "",
    phone: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    password: str = "",
) -> None:
    """Check an agent as agent_create would, writing nothing: 经办人管理 asks it when its own form already
    refused some fields, so that the problems of the others show in the same answer."""
    _checked_agent(username, full_name, phone, valid_from, valid_until, password)


def _agent_username(value: str) -> str:
    username = text_value(value, "username", "经办人账号", limit=64)
    if len(username) < 4:
        raise ApplicationError("「经办人账号」至少4个字符", field="username")
    if validate_uscc_safe(username) is not None:
        raise ApplicationError("「经办人账号」不能使用统一社会信用代码", field="username")
    if User.objects.filter(username=username).exists():
        raise ApplicationError("该账号已被使用，请换一个", field="username")
    return username


def validate_uscc_safe(value: str) -> str | None:
    """The normalised USCC when `value` is one, else None (agent names must not look like a unit)."""
    try:
        return validate_uscc(value)
    except IdentifierError:
        return None


@transaction.atomic
def agent_authorisation_update(
    *, legal_person: User, membership_id: int, valid_from: date, valid_until: date
) -> Membership:
    """Extend, shorten or end (valid_until in the past) an agent's authorisation."""
    membership = (
        Membership.objects.select_for_update()
        .filter(
            pk=membership_id,
            role=MembershipRole.AGENT,
            employer__memberships__user=legal_person,
            employer__memberships__role=MembershipRole.LEGAL_PERSON,
        )
        .first()
    )
    if membership is None:
        raise ApplicationError("未找到该经办人授权")
    if valid_until < valid_from:
        raise ApplicationError("授权截止日期不能早于授权开始日期", field="valid_until")
    membership.valid_from, membership.valid_until = valid_from, valid_until
    membership.save(update_fields=["valid_from", "valid_until"])
    return membership


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """Change one's own password after proving the old one."""
    if not user.check_password(old_password):
        raise ApplicationError("原密码不正确", field="old_password")
    if old_password == new_password:
        raise ApplicationError("新密码不能与原密码相同", field="new_password")
    _password_check(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])


def current_employer_switch(request: HttpRequest, *, employer_id: int) -> Membership:
    """Make another of the user's units the one this session acts for."""
    today = timezone.localdate()
    user = request.user
    assert isinstance(user, User)
    membership = (
        Membership.objects.select_related("employer").filter(user=user, employer_id=employer_id).first()
    )
    if membership is None or not membership.is_valid_on(today):
        raise ApplicationError("您无权以该单位身份办理业务", field="employer_id")
    request.session[SESSION_EMPLOYER] = membership.employer_id
    return membership


@transaction.atomic
def staff_create(
    *,
    username: str,
    full_name: str,
    role: str,
    region_code: str,
    password: str,
    phone: str = "",
    created_by: User | None = None,
) -> User:
    """Create a DPF staff account with a role and a region, within the creating admin's jurisdiction."""
    username = text_value(username, "username", "用户名", limit=64)
    if len(username) < 3:
        raise ApplicationError("用户名至少3个字符", field="username")
    full_name = text_value(full_name, "full_name", "姓名", limit=50)
    phone = validate_phone(phone, field="phone", label="手机号", required=False, mobile_only=True)
    if role not in StaffRole.values:
        raise ApplicationError("请选择角色", field="role")
    if role == StaffRole.NATIONAL_ADMIN:
        # It oversees every province: creating one is for the deployment's operators (superusers).
        raise ApplicationError("全国系统管理员账号只能由平台运维人员在系统管理后台创建", field="role")
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level not in RegionLevel.values:
        raise ApplicationError("请选择有效的所属区划", field="region_code")
    if created_by is not None:
        if created_by.staff_role not in SYSTEM_ADMIN_ROLES or created_by.jurisdiction_prefix is None:
            raise ApplicationError("只有系统管理员可以创建工作人员账号")
        if not created_by.oversees_code(region.code):
            raise ApplicationError("只能在本级及下级区划内创建工作人员账号", field="region_code")
    if User.objects.filter(username=username).exists():
        raise ApplicationError("该用户名已存在", field="username")
    user = User(
        username=username,
        kind=AccountKind.STAFF,
        full_name=full_name,
        staff_role=role,
        region=region,
        phone=phone,
        is_staff=role == StaffRole.ADMIN,
    )
    _password_check(password, user)
    user.set_password(password)
    try:
        user.save()
    except IntegrityError as exc:  # a concurrent create of the same name
        raise ApplicationError("该用户名已存在", field="username") from exc
    if role == StaffRole.ADMIN:
        from anbili.accounts.permissions import system_admin_group

        user.groups.add(system_admin_group())
    return user
