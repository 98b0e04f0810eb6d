"""Personal data on detail pages (issue #10 item 6): ID and certificate numbers masked 6+4 where shown for
reading; the wizard steps where the employer enters and checks the numbers keep them whole."""

from datetime import date

import pytest

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
