"""Personal data on detail pages (issue #10 item 6): ID and certificate numbers masked 6+4 where shown for
reading; the wizard steps where the employer enters and checks the numbers keep them whole. A full view is
shown only on request (a POST) and audited."""

from datetime import date

import pytest

from anbili.audit.models import AuditAction, AuditEntry
from anbili.core.identifiers import make_id_number
from anbili.core.masking import mask
from anbili.employers.models import Employer
from tests.factories import MembershipFactory
from tests.portal.test_portal_placements import (
    ID_A,
    portal_login,
    ready_placement,
    registry_person,
    set_window,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(regions):
    set_window(True)
    return MembershipFactory()


def test_placement_view_masks_the_id_and_the_certificate_number(client, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    portal_login(client, membership)
    html = client.get(f"/portal/placements/{placement.pk}/").content.decode()
    certificate = f"{ID_A}44"
    assert ID_A not in html
    assert mask(ID_A) in html and mask(certificate) in html


def test_unit_info_read_only_masks_the_legal_persons_id(client, membership):
    number = make_id_number("150102", date(1978, 5, 12), 13)
    Employer.objects.filter(pk=membership.employer_id).update(legal_person_id_number=number)
    set_window(False)
    portal_login(client, membership)
    html = client.get("/portal/unit/info/").content.decode()
    assert 'data-testid="unit-readonly"' in html
    assert number not in html and mask(number) in html


def test_full_view_shows_the_numbers_and_writes_an_audit_row(client, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    portal_login(client, membership)
    assert not AuditEntry.objects.filter(action=AuditAction.PERSON_FULL_VIEW).exists()
    html = client.post(f"/portal/placements/{placement.pk}/full/").content.decode()
    assert ID_A in html and f"{ID_A}44" in html
    entry = AuditEntry.objects.get(action=AuditAction.PERSON_FULL_VIEW)
    assert (entry.actor_id, entry.object_id, entry.region_code) == (
        membership.user_id,
        str(placement.pk),
        membership.employer.dpf_region_id,
    )
    assert ID_A not in f"{entry.object_label} {entry.detail}"


def test_full_view_is_post_only_and_closed_to_other_employers(client, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    portal_login(client, membership)
    assert client.get(f"/portal/placements/{placement.pk}/full/").status_code == 405
    other = MembershipFactory()
    portal_login(client, other)
    response = client.post(f"/portal/placements/{placement.pk}/full/")
    assert response.status_code == 404
    assert ID_A not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.PERSON_FULL_VIEW).exists()
