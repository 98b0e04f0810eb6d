"""审计日志 (issue 12 item 8): every system admin searches the audit log of their own jurisdiction (national,
province, city, county); reviewers and supervisors get 404."""

import pytest
from django.urls import reverse

from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from tests.factories import StaffFactory, region

pytestmark = pytest.mark.django_db
BACKEND = "anbili.accounts.backends.AccountBackend"

ROWS = {
    "150102": "新城区记录",
    "150103": "回民区记录",
    "150203": "包头记录",
    "150000": "自治区记录",
    "360102": "江西记录",
    "": "全国记录",
}
# Admin's region → the rows (by region code) they see.
SEEN = {
    "150102": {"150102"},
    "150100": {"150102", "150103"},
    "150000": {"150102", "150103", "150203", "150000"},
    None: set(ROWS),
}


@pytest.fixture
def rows(regions):
    for code, label in ROWS.items():
        audit_record(AuditAction.PERSON_LOOKUP, object_label=label, region_code=code)


@pytest.mark.parametrize("code", list(SEEN))
def test_each_admin_sees_only_their_jurisdiction(client, rows, code):
    if code is None:
        admin = StaffFactory(staff_role=StaffRole.NATIONAL_ADMIN, region=None, is_staff=True)
    else:
        admin = StaffFactory(staff_role=StaffRole.ADMIN, region=region(code), is_staff=True)
    client.force_login(admin, backend=BACKEND)
    response = client.get(reverse("backoffice:audit"))
    assert response.status_code == 200
    page = response.content.decode()
    shown = {c for c, label in ROWS.items() if label in page}
    assert shown == SEEN[code]
    # A search never widens the scope.
    searched = client.get(reverse("backoffice:audit"), {"target": "记录"}).content.decode()
    assert {c for c, label in ROWS.items() if label in searched} == SEEN[code]


def test_system_page_links_the_audit_log_for_a_county_admin(client, regions):
    client.force_login(StaffFactory(staff_role=StaffRole.ADMIN, region=region("150102")), backend=BACKEND)
    assert reverse("backoffice:audit") in client.get(reverse("backoffice:system")).content.decode()


@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.SUPERVISOR])
@pytest.mark.parametrize("code", ["150102", "150100", "150000"])
def test_reviewers_and_supervisors_get_404(client, regions, role, code):
    client.force_login(StaffFactory(staff_role=role, region=region(code)), backend=BACKEND)
    assert client.get(reverse("backoffice:audit")).status_code == 404
