"""A full view of a person's ID and certificate numbers is shown only on request, and audited."""

import pytest

from anbili.audit.models import AuditAction, AuditEntry
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
