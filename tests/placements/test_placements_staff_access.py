"""Staff see the placements of their jurisdiction only: a county its own employers', a city its counties',
a province all of its own; another region's placement is 404 (issue 12, item 1)."""

from datetime import date

import pytest
from django.http import Http404
from django.test import RequestFactory

from anbili.accounts.access import access_employer_for_staff
from anbili.accounts.models import StaffRole
from anbili.core.identifiers import make_id_number
from anbili.placements.access import access_placement_for_staff
from anbili.placements.models import Placement
from anbili.placements.selectors import placements_in_jurisdiction
from tests.factories import EmployerFactory, LegalPersonFactory, StaffFactory, region

pytestmark = pytest.mark.django_db


def _placement(dpf_code: str, serial: int) -> Placement:
    born = date(1990, 3, 1)
    return Placement.objects.create(
        employer=EmployerFactory(dpf_region=region(dpf_code)),
        business_year=2025,
        id_number=make_id_number("150102", born, serial),
        sex="男",
        birth_date=born,
    )


@pytest.fixture
def placements(regions):
    # Two counties of 呼和浩特 (1501), one of 包头 (1502), one of 江西 (36).
    return {
        code: _placement(code, serial)
        for serial, code in enumerate(["150102", "150103", "150203", "360102"], 11)
    }


@pytest.mark.parametrize(
    ("staff_region", "role", "sees"),
    [
        ("150102", StaffRole.REVIEWER, {"150102"}),
        ("150100", StaffRole.REVIEWER, {"150102", "150103"}),
        ("150000", StaffRole.SUPERVISOR, {"150102", "150103", "150203"}),
        ("360000", StaffRole.ADMIN, {"360102"}),
    ],
)
def test_the_jurisdiction_decides_which_placements_staff_see(placements, staff_region, role, sees):
    staff = StaffFactory(staff_role=role, region=region(staff_region))
    seen = set(placements_in_jurisdiction(staff).values_list("employer__dpf_region_id", flat=True))
    assert seen == sees
    request = RequestFactory().get("/")
    request.user = staff
    for code, placement in placements.items():
        if code in sees:
            assert access_placement_for_staff(request, placement.pk).pk == placement.pk
            assert access_employer_for_staff(request, placement.employer_id).pk == placement.employer_id
        else:
            with pytest.raises(Http404):
                access_placement_for_staff(request, placement.pk)
            with pytest.raises(Http404):
                access_employer_for_staff(request, placement.employer_id)


def test_a_user_without_a_jurisdiction_sees_nothing(placements):
    employer_user = LegalPersonFactory()
    assert not placements_in_jurisdiction(employer_user).exists()
    request = RequestFactory().get("/")
    request.user = employer_user
    with pytest.raises(Http404):
        access_placement_for_staff(request, placements["150102"].pk)
