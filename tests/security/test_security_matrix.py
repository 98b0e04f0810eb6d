"""Authorization matrix (quality.md): every page URL requested as every role and as another tenant.

Every URL name the project routes must be classified: pages here, /admin/ and /api/ in
test_security_matrix_admin_api.py; a new URL without an entry fails `test_every_url_is_in_the_matrix`.
"""

from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from anbili.accounts.models import StaffRole
from anbili.core.identifiers import make_id_number
from anbili.employers.models import RelatedUnit, RelationKind
from anbili.evidence.models import EvidencePurpose
from anbili.evidence.services import evidence_store
from anbili.notices.services import notice_publish
from anbili.placements.models import Placement
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.evidence.evidence_files import pdf_bytes
from tests.factories import AgentMembershipFactory, EmployerFactory, MembershipFactory, StaffFactory, region
from tests.security.test_security_matrix_admin_api import ADMIN_EXPECTED, API_EXPECTED

pytestmark = pytest.mark.django_db

ROLES = ["anon", "lp_a", "agent_a", "lp_b", "reviewer_a", "supervisor_a", "admin_prov", "reviewer_other"]
# Reviewers at every level around A's county (150102): another county of the same city (150103), the city
# (150100) and the province (150000); reviewer_other is another province's (360102).
ROLES += ["reviewer_county_other", "reviewer_city", "reviewer_prov"]
EMPLOYER_ROLES = {"lp_a", "agent_a", "lp_b"}
STAFF_ROLES = {"reviewer_a", "supervisor_a", "admin_prov", "reviewer_other"}
STAFF_ROLES |= {"reviewer_county_other", "reviewer_city", "reviewer_prov"}


def public() -> dict[str, int]:
    return dict.fromkeys(ROLES, 200)


def post_only() -> dict[str, int]:
    return dict.fromkeys(ROLES, 405)


def portal(**overrides: int) -> dict[str, int]:
    """A portal page: employers see it, staff are sent to their own system, anonymous users to the login."""
    cells = {role: 302 for role in ROLES}
    cells.update(dict.fromkeys(EMPLOYER_ROLES, 200))
    cells.update(overrides)
    return cells


def backoffice(**overrides: int) -> dict[str, int]:
    """A staff page: employer users get 404 (not told it exists); anonymous users go to the staff login."""
    cells = {"anon": 302, **dict.fromkeys(EMPLOYER_ROLES, 404), **dict.fromkeys(STAFF_ROLES, 200)}
    cells.update(overrides)
    # Unless a row says otherwise: the city and province reviewers oversee A's county and get what A's own
    # reviewer gets (a page barred to reviewers stays barred); the other county's reviewer is outside A's
    # jurisdiction like the other province's (404 on A's objects, 200 on their own lists).
    for role in ("reviewer_city", "reviewer_prov"):
        cells[role] = overrides.get(role, cells["reviewer_a"])
    cells["reviewer_county_other"] = overrides.get("reviewer_county_other", cells["reviewer_other"])
    return cells


# What each role gets on GET. Objects ("<pk>") belong to employer A (county 150102, Hohhot) and its region.
EXPECTED: dict[str, dict[str, int]] = {
    "entry": public(),
    "calculator": public(),
    "portal:login": public(),
    "portal:register": public(),
    "backoffice:login": public(),
    "portal:logout": post_only(),
    "portal:special_notice_confirm": post_only(),
    "portal:unit_switch": post_only(),
    "portal:unit_info_confirm": post_only(),
    "backoffice:logout": post_only(),
    "backoffice:notice_publish_toggle": post_only(),
    "portal:home": portal(),
    "portal:password": portal(),
    "portal:unit_info": portal(),
    "portal:calculator": portal(),
    "portal:notices": portal(),
    "portal:agents": portal(agent_a=404, lp_b=200),
    "portal:user_center": portal(agent_a=404),
    "portal:unit_default": post_only(),
    "portal:agent_edit": portal(agent_a=404, lp_b=404),
    "portal:related_unit_add": portal(),
    "portal:related_unit_edit": portal(lp_b=404),
    "portal:related_unit_delete": portal(lp_b=404),
    "portal:notice_detail": portal(lp_b=404),
    "portal:evidence_download": portal(lp_b=404),
    "portal:placements": portal(),
    "portal:placement_add": portal(),
    "portal:placements_bulk": portal(),
    "portal:placements_import_last_year": post_only(),
    "portal:placement_view": portal(lp_b=404),
    "portal:placement_person": portal(lp_b=404),
    "portal:placement_contracts": portal(lp_b=404),
    "portal:placement_certificates": portal(lp_b=404),
    "portal:placement_verify": portal(lp_b=404),
    "portal:placement_delete": portal(lp_b=404),
    "portal:placement_reregister": portal(lp_b=404),
    "portal:placement_reverify": post_only(),
    "portal:placement_view_full": post_only(),
    "backoffice:home": backoffice(),
    "backoffice:password": backoffice(),
    "backoffice:scanner_help": backoffice(),
    # System admins only (issue 11: staff without the admin role do not see 系统管理).
    "backoffice:system": backoffice(reviewer_a=404, supervisor_a=404, reviewer_other=404),
    "backoffice:staff": backoffice(reviewer_a=404, supervisor_a=404, reviewer_other=404),
    # National and province admins only (admin_prov is 内蒙古's).
    "backoffice:audit": backoffice(reviewer_a=404, supervisor_a=404, reviewer_other=404),
    "backoffice:notices": backoffice(),
    "backoffice:notice_detail": backoffice(reviewer_other=404),
    "backoffice:evidence_download": backoffice(reviewer_other=404),
    # 安置登记审核 queue and signals
    "backoffice:placement_review": backoffice(),
    # review screen and decisions
    "backoffice:placement_review_detail": backoffice(reviewer_other=404),
    "backoffice:placement_review_send_back": post_only(),
    "backoffice:placement_review_certificate": post_only(),
    "backoffice:placement_review_agreement": post_only(),
    "backoffice:placement_review_full": post_only(),
    "backoffice:evidence_preview": backoffice(reviewer_other=404),
    # staff 残疾人安置管理, export, window registration
    "backoffice:placements": backoffice(),
    "backoffice:placements_export": post_only(),
    "backoffice:window": backoffice(),
    "backoffice:window_employer": backoffice(reviewer_other=404),
    "backoffice:window_placement_add": backoffice(reviewer_other=404),
    "backoffice:window_placement_person": backoffice(reviewer_other=404),
    "backoffice:window_placement_contracts": backoffice(reviewer_other=404),
    "backoffice:window_placement_certificates": backoffice(reviewer_other=404),
    "backoffice:window_placement_verify": backoffice(reviewer_other=404),
    "backoffice:window_placement_reverify": post_only(),
    # statistics
    "backoffice:statistics": backoffice(),
}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_in_the_matrix():
    classified = set(EXPECTED) | set(ADMIN_EXPECTED) | set(API_EXPECTED)
    assert _url_names() == classified, "classify new URLs in EXPECTED, ADMIN_EXPECTED or API_EXPECTED"


@pytest.fixture
def world(regions):
    """Two tenants, staff at three levels of A's region and one in another province, and A's objects."""
    lp_a = MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))
    agent_a = AgentMembershipFactory(employer=lp_a.employer)
    lp_b = MembershipFactory(employer=EmployerFactory(dpf_region=region("150203")))
    users: dict[str, object] = {
        "lp_a": lp_a,
        "agent_a": agent_a,
        "lp_b": lp_b,
        "reviewer_a": StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150102")),
        "supervisor_a": StaffFactory(staff_role=StaffRole.SUPERVISOR, region=region("150100")),
        "admin_prov": StaffFactory(staff_role=StaffRole.ADMIN, region=region("150000")),
        "reviewer_other": StaffFactory(staff_role=StaffRole.REVIEWER, region=region("360102")),
        "reviewer_county_other": StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150103")),
        "reviewer_city": StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150100")),
        "reviewer_prov": StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150000")),
    }
    evidence = evidence_store(
        employer=lp_a.employer,
        uploaded_by=lp_a.user,
        upload=SimpleUploadedFile("协议.pdf", pdf_bytes(), content_type="application/pdf"),
        purpose=EvidencePurpose.RELATED_UNIT_AGREEMENT,
    )
    related = RelatedUnit.objects.create(
        employer=lp_a.employer,
        business_year=2025,
        relation=RelationKind.PARENT_SUBSIDIARY,
        uscc="91350100M000100Y43",
        name="上级公司",
        agreement=evidence,
    )
    notice = notice_publish(
        staff=users["supervisor_a"], title="申报提醒", body="请按时申报", region_code="150102"
    )
    placement = Placement.objects.create(
        employer=lp_a.employer,
        business_year=2025,
        id_number=make_id_number("150102", date(1990, 3, 1), 11),
        name="安置人",
        sex="男",
        birth_date=date(1990, 3, 1),
    )
    placement_pages = [
        "portal:placement_view",
        "portal:placement_person",
        "portal:placement_contracts",
        "portal:placement_certificates",
        "portal:placement_verify",
        "portal:placement_delete",
        "portal:placement_reregister",
        "portal:placement_reverify",
        "portal:placement_view_full",
        # staff pages of A's placement (pk)
        "backoffice:window_placement_person",  # 窗口申报 steps
        "backoffice:window_placement_contracts",
        "backoffice:window_placement_certificates",
        "backoffice:window_placement_verify",
        "backoffice:window_placement_reverify",
        "backoffice:placement_review_detail",
        "backoffice:placement_review_send_back",
        "backoffice:placement_review_certificate",
        "backoffice:placement_review_agreement",
        "backoffice:placement_review_full",
    ]
    kwargs: dict[str, dict[str, int]] = {
        **{name: {"pk": placement.pk} for name in placement_pages},
        "portal:agent_edit": {"pk": agent_a.pk},
        "portal:related_unit_edit": {"pk": related.pk},
        "portal:related_unit_delete": {"pk": related.pk},
        "portal:notice_detail": {"pk": notice.pk},
        "portal:evidence_download": {"pk": evidence.pk},
        "backoffice:notice_detail": {"pk": notice.pk},
        "backoffice:notice_publish_toggle": {"pk": notice.pk},
        "backoffice:evidence_download": {"pk": evidence.pk},
        "backoffice:window_employer": {"pk": lp_a.employer.pk},  # 窗口申报 of A's unit
        "backoffice:window_placement_add": {"pk": lp_a.employer.pk},
        "backoffice:evidence_preview": {"pk": evidence.pk},
    }
    return users, kwargs


def _login(client, who) -> None:
    membership = getattr(who, "employer", None) and who
    user = who.user if membership else who
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
    if membership:
        session = client.session
        session["current_employer_id"] = membership.employer_id
        session[NOTICE_SESSION_KEY] = True
        session.save()


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, world, role):
    users, kwargs = world
    if role != "anon":
        _login(client, users[role])
    mismatches = []
    for name, cells in sorted(EXPECTED.items()):
        url = reverse(name, kwargs=kwargs.get(name))
        status = client.get(url).status_code
        if status != cells[role]:
            mismatches.append(f"{name} {url}: expected {cells[role]}, got {status}")
    assert not mismatches, "\n".join(mismatches)


# Writes are refused for other tenants too, not just reads.
WRITE_CHECKS: list[tuple[str, str, Callable[[dict], dict]]] = [
    ("lp_b", "portal:related_unit_delete", lambda kw: {}),
    ("lp_b", "portal:agent_edit", lambda kw: {"valid_from": "2026-01-01", "valid_until": "2026-01-02"}),
    ("reviewer_other", "backoffice:notice_publish_toggle", lambda kw: {}),
    ("lp_b", "portal:placement_delete", lambda kw: {}),
    ("lp_b", "portal:placement_reregister", lambda kw: {}),
    ("lp_b", "portal:placement_reverify", lambda kw: {}),
    ("lp_b", "portal:placement_view_full", lambda kw: {}),
    ("lp_b", "portal:placement_verify", lambda kw: {"months": ["202501"]}),
    ("reviewer_other", "backoffice:window_placement_add", lambda kw: {"id_number": "150102199003010110"}),
    ("reviewer_other", "backoffice:window_placement_verify", lambda kw: {"months": ["202501"]}),
    ("reviewer_other", "backoffice:window_placement_reverify", lambda kw: {}),
]


@pytest.mark.parametrize(("role", "name", "data"), WRITE_CHECKS)
def test_other_tenant_writes_are_404(client, world, role, name, data):
    users, kwargs = world
    _login(client, users[role])
    response = client.post(reverse(name, kwargs=kwargs[name]), data(kwargs[name]))
    assert response.status_code == 404
