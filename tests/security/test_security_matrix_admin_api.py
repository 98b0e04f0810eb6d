"""Authorization matrix of /admin/ and /api/ (issue #10 item 3): every admin URL of every registered model and
every API route, requested as each role. test_security_matrix.py checks that each of these URL names is
classified here (ADMIN_EXPECTED, API_EXPECTED).

Admin roles: 内蒙古 province admin, a county admin the province admin created on 用户管理, a 江西 admin and a
national admin, beside an anonymous visitor and a reviewer (no admin site). An object out of scope is
"not found": Django's admin then redirects to its index (302), exactly as for a missing row, so nothing says
it exists. Superuser-only tables give 403 to every staff admin.
"""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from anbili.accounts.models import StaffRole
from anbili.accounts.services import staff_create
from anbili.placements.models import ReviewReason, ReviewReasonKind
from anbili.regions.models import LevyPeriod, SocialAverageWage
from anbili.registry.services import partner_token_issue
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import EmployerFactory, MembershipFactory, StaffFactory, region
from tests.security.admin_staff import admin_login, admin_staff, national_admin

pytestmark = pytest.mark.django_db

ADMIN_ROLES = ["anon", "reviewer_a", "admin_prov", "admin_county", "admin_other", "national"]
# The models the 系统管理员 group may use (regions: everything; accounts: view and change users).
SCOPED_MODELS = {
    "regions.region",
    "regions.quotaratio",
    "regions.minimumwage",
    "regions.socialaveragewage",
    "regions.declarationwindow",
    "regions.levyperiod",
    "regions.rewardrule",
    "regions.retirementsetting",
    "accounts.user",
    "placements.reviewreason",
}


def cells(prov: int, county: int, other: int, national: int) -> dict[str, int]:
    """Anonymous visitors and reviewers (not is_staff) are sent to the admin login."""
    return {
        "anon": 302,
        "reviewer_a": 302,
        "admin_prov": prov,
        "admin_county": county,
        "admin_other": other,
        "national": national,
    }


def every_admin(status: int) -> dict[str, int]:
    return cells(status, status, status, status)


IN_PROVINCE = cells(
    200, 302, 302, 200
)  # a 内蒙古 province-level row: the county and 江西 admins do not find it
IN_COUNTY = cells(200, 200, 302, 200)  # a row of county 150102
NATIONAL_ROW = cells(302, 302, 302, 200)  # a row without a province (nationwide levy period)
OWN_PROVINCE_ROW = cells(200, 302, 302, 200)  # the province itself: the province admin sees it read-only
OWN_PROVINCE_DELETE = cells(403, 302, 302, 200)

# (model label, object key): (change and history, delete); the keys name objects of the `admin_world` fixture.
OBJECT_CELLS: dict[tuple[str, str], tuple[dict[str, int], dict[str, int]]] = {
    ("regions.region", "county"): (IN_COUNTY, IN_COUNTY),
    ("regions.region", "province"): (OWN_PROVINCE_ROW, OWN_PROVINCE_DELETE),
    ("regions.region", "other_province"): (cells(302, 302, 200, 200), cells(302, 302, 403, 200)),
    ("regions.quotaratio", "a"): (IN_PROVINCE, IN_PROVINCE),
    ("regions.minimumwage", "a"): (IN_PROVINCE, IN_PROVINCE),
    ("regions.socialaveragewage", "a"): (IN_PROVINCE, IN_PROVINCE),  # region 150100, above the county
    ("regions.declarationwindow", "a"): (IN_PROVINCE, IN_PROVINCE),
    ("regions.levyperiod", "a"): (IN_PROVINCE, IN_PROVINCE),
    ("regions.levyperiod", "national"): (NATIONAL_ROW, NATIONAL_ROW),
    ("regions.rewardrule", "a"): (IN_PROVINCE, IN_PROVINCE),
    ("regions.retirementsetting", "a"): (IN_PROVINCE, IN_PROVINCE),
    # Users: the group may view and change, never delete (Django checks that before looking for the row).
    ("accounts.user", "a"): (IN_COUNTY, every_admin(403)),
    # 常用审核意见: a 内蒙古 row is the province admin's (a county admin has no province rows), a national
    # row (no region) the national admins' only.
    ("placements.reviewreason", "a"): (IN_PROVINCE, IN_PROVINCE),
    ("placements.reviewreason", "national"): (NATIONAL_ROW, NATIONAL_ROW),
}
PASSWORD_CHANGE = cells(200, 200, 404, 200)  # UserAdmin's own view answers 404 for a row it does not find


def _model_url_names() -> dict[str, str]:
    """URL name prefix ("admin:regions_region") → model label, for every registered model."""
    return {
        f"admin:{model._meta.app_label}_{model._meta.model_name}": model._meta.label_lower
        for model in admin.site._registry
    }


def _admin_expected() -> dict[str, list[tuple[dict[str, str], dict[str, object], dict[str, int]]]]:
    """URL name → [(url kwargs spec, query, cells)]; a kwargs value "<obj:key>" is an object's pk."""
    expected: dict[str, list] = {
        "admin:index": [({}, {}, every_admin(200))],
        "admin:login": [({}, {}, {"anon": 200, "reviewer_a": 200, **dict.fromkeys(ADMIN_ROLES[2:], 302)})],
        "admin:logout": [({}, {}, every_admin(405))],  # POST only
        "admin:password_change": [({}, {}, every_admin(200))],
        "admin:password_change_done": [({}, {}, every_admin(200))],
        "admin:jsi18n": [({}, {}, every_admin(200))],
        "admin:app_list": [
            ({"app_label": "regions"}, {}, every_admin(200)),
            ({"app_label": "accounts"}, {}, every_admin(200)),
            ({"app_label": "placements"}, {}, every_admin(200)),
            ({"app_label": "registry"}, {}, every_admin(404)),
        ],
        # No get_absolute_url on these models: nothing to show, for anyone.
        "admin:view_on_site": [
            ({"content_type_id": "<ct:regions.region>", "object_id": "150102"}, {}, every_admin(404))
        ],
        "admin:autocomplete": [
            ({}, {}, every_admin(403)),  # without the source field Django refuses
            (
                {},
                {"app_label": "regions", "model_name": "socialaveragewage", "field_name": "region"},
                every_admin(200),
            ),
            ({}, {"app_label": "regions", "model_name": "region", "field_name": "parent"}, every_admin(200)),
        ],
        "admin:auth_user_password_change": [({"id": "<obj:accounts.user:a>"}, {}, PASSWORD_CHANGE)],
    }
    for prefix, label in _model_url_names().items():
        if label in SCOPED_MODELS:
            add = every_admin(403) if label == "accounts.user" else every_admin(200)
            expected[f"{prefix}_changelist"] = [({}, {}, every_admin(200))]
            expected[f"{prefix}_add"] = [({}, {}, add)]
            for suffix in ("change", "history", "delete"):
                expected[f"{prefix}_{suffix}"] = [
                    ({"object_id": f"<obj:{model}:{key}>"}, {}, view if suffix != "delete" else delete)
                    for (model, key), (view, delete) in OBJECT_CELLS.items()
                    if model == label
                ]
        else:
            # Superuser-only: refused before the row is looked up (pk 0 exists nowhere). The history view
            # looks the row up first, so a missing one is "not found" even there.
            expected[f"{prefix}_changelist"] = [({}, {}, every_admin(403))]
            expected[f"{prefix}_add"] = [({}, {}, every_admin(403))]
            expected[f"{prefix}_change"] = [({"object_id": "0"}, {}, every_admin(403))]
            expected[f"{prefix}_delete"] = [({"object_id": "0"}, {}, every_admin(403))]
            expected[f"{prefix}_history"] = [({"object_id": "0"}, {}, every_admin(302))]
    return expected


ADMIN_EXPECTED = _admin_expected()


@pytest.fixture
def admin_world(regions):
    province_admin = admin_staff("150000")
    county_admin = staff_create(
        username="county_admin",
        full_name="新城区管理员",
        role=StaffRole.ADMIN,
        region_code="150102",
        password="Xincheng#2026",
        created_by=province_admin,
    )
    users = {
        "reviewer_a": StaffFactory(region=region("150102")),
        "admin_prov": province_admin,
        "admin_county": county_admin,
        "admin_other": admin_staff("360000"),
        "national": national_admin(),
    }
    national_levy = LevyPeriod.objects.filter(province__isnull=True).first()
    province_levy = LevyPeriod.objects.get(pk=national_levy.pk)
    province_levy.pk, province_levy.province_id = None, "150000"
    province_levy.valid_from, province_levy.valid_to = date(2040, 1, 1), date(2040, 12, 31)
    province_levy.save()
    objects = {
        "regions.region:county": region("150102"),
        "regions.region:province": region("150000"),
        "regions.region:other_province": region("360000"),
        "regions.levyperiod:a": province_levy,
        "regions.levyperiod:national": national_levy,
        "regions.socialaveragewage:a": SocialAverageWage.objects.create(
            region=region("150100"), year=2025, amount="90000", source_document="文件"
        ),
        "accounts.user:a": users["reviewer_a"],
        "placements.reviewreason:a": ReviewReason.objects.create(
            kind=ReviewReasonKind.MONTH, text="内蒙古常用意见", region=region("150000")
        ),
        "placements.reviewreason:national": ReviewReason.objects.filter(region__isnull=True).first(),
    }
    for label in ("quotaratio", "minimumwage", "declarationwindow", "rewardrule", "retirementsetting"):
        objects[f"regions.{label}:a"] = (
            _model(f"regions.{label}").objects.filter(province_id="150000").first()
        )
    assert all(objects.values()), objects
    return users, objects


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _resolve(spec: dict[str, str], objects: dict) -> dict[str, object]:
    kwargs: dict[str, object] = {}
    for name, value in spec.items():
        if value.startswith("<obj:"):
            kwargs[name] = objects[value[5:-1]].pk
        elif value.startswith("<ct:"):
            kwargs[name] = ContentType.objects.get_for_model(_model(value[4:-1])).pk
        else:
            kwargs[name] = value
    return kwargs


def test_scoped_models_are_the_groups_models():
    """The matrix classifies a model as scoped exactly when the admin group has its view permission."""
    from anbili.accounts.permissions import system_admin_group

    labels = {
        f"{app}.{codename.removeprefix('view_')}"
        for app, codename in system_admin_group().permissions.values_list(
            "content_type__app_label", "codename"
        )
        if codename.startswith("view_")
    }
    assert labels == SCOPED_MODELS


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_admin_matrix(client, admin_world, role):
    users, objects = admin_world
    if role == "reviewer_a":
        client.force_login(users[role], backend="anbili.accounts.backends.AccountBackend")
    elif role != "anon":
        admin_login(client, users[role])
    mismatches = []
    for name, cases in sorted(ADMIN_EXPECTED.items()):
        for spec, query, expected in cases:
            url = reverse(name, kwargs=_resolve(spec, objects) or None)
            status = client.get(url, query).status_code
            if status != expected[role]:
                mismatches.append(f"{name} {url} {query or ''}: expected {expected[role]}, got {status}")
    assert not mismatches, "\n".join(mismatches)


def test_admin_model_urls_all_classified():
    """Each registered model contributes its five URL names, each with at least one case."""
    for prefix in _model_url_names():
        for suffix in ("changelist", "add", "change", "history", "delete"):
            assert ADMIN_EXPECTED.get(f"{prefix}_{suffix}"), f"{prefix}_{suffix}"


# API -------------------------------------------------------------------------------------------------------

API_ROLES = ["anon", "lp_a", "reviewer_a", "partner_a"]
PARTNER_ONLY = {"anon": 401, "lp_a": 401, "reviewer_a": 401}
PUBLIC = dict.fromkeys(API_ROLES, 200)
# Cells left None are not asserted here: the person look-up's rules (helper B) and the push bodies' validation
# have their own tests. A public route must never ask for credentials (checked for None cells too).
PUSH_KINDS = ["person", "certificate", "pension", "medical", "wage", "dispatch_filing", "market_unit"]
API_EXPECTED: dict[str, tuple[str, dict[str, object], dict[str, int | None], bool]] = {
    "api:openapi-json": ("get", {}, PUBLIC, True),
    "api:openapi-view": ("get", {}, PUBLIC, True),
    "api:api-root": ("get", {}, dict.fromkeys(API_ROLES, 404), True),
    "api:estimate": ("post", {}, dict.fromkeys(API_ROLES), True),
    "api:registry_batches": ("get", {}, {**PARTNER_ONLY, "partner_a": 200}, False),
    "api:registry_batch": ("get", {"batch_id": 999999}, {**PARTNER_ONLY, "partner_a": 404}, False),
    "api:registry_person": (
        "get",
        {"id_number": "150102199003011234"},
        {"anon": 401, "lp_a": None, "reviewer_a": None, "partner_a": None},
        False,
    ),
    **{
        f"api:registry_{verb}_{kind}": ("post", {}, {**PARTNER_ONLY, "partner_a": None}, False)
        for kind in PUSH_KINDS
        for verb in ("push", "upload")
    },
}


@pytest.mark.parametrize("role", API_ROLES)
def test_api_matrix(client, regions, role):
    headers: dict[str, str] = {}
    if role == "lp_a":
        membership = MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))
        client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
        session = client.session
        session["current_employer_id"] = membership.employer_id
        session[NOTICE_SESSION_KEY] = True
        session.save()
    elif role == "reviewer_a":
        client.force_login(
            StaffFactory(region=region("150102")), backend="anbili.accounts.backends.AccountBackend"
        )
    elif role == "partner_a":
        issued = partner_token_issue(name="内蒙古残联", kind="disability_registry", province_code="15")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {issued.token}"
    mismatches = []
    for name, (method, kwargs, expected, public) in sorted(API_EXPECTED.items()):
        url = reverse(name, kwargs=kwargs or None)
        if method == "get":
            status = client.get(url, **headers).status_code
        else:
            status = client.post(url, data="{}", content_type="application/json", **headers).status_code
        want = expected[role]
        if want is not None and status != want:
            mismatches.append(f"{name} {url}: expected {want}, got {status}")
        if public and status in (401, 403):
            mismatches.append(f"{name} {url}: public route refused with {status}")
    assert not mismatches, "\n".join(mismatches)
