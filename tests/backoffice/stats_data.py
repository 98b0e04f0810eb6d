"""Generated placements for the statistics tests: employers in several regions, placements of every status
with months whose stored verdicts pass or fail at random, and reviewers' decisions. Built with the ORM
directly (a seeded random generator), so that the tests can recount everything independently."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from anbili.accounts.models import StaffRole
from anbili.core.identifiers import make_id_number
from anbili.placements.models import Placement, PlacementEvent, PlacementMonth, PlacementStatus
from anbili.rules.checks import CheckCode
from tests.factories import EmployerFactory, StaffFactory, region

YEAR = 2025
REGIONS = ("150102", "150103", "150203", "360102")
DECISIONS = ("approve", "partly_reject", "reject", "send_back")


@dataclass
class Generated:
    placements: list[Placement] = field(default_factory=list)
    months: list[PlacementMonth] = field(default_factory=list)
    events: list[PlacementEvent] = field(default_factory=list)
    reviewers: list = field(default_factory=list)


def generate(count: int, *, seed: int = 7, year: int = YEAR) -> Generated:
    """`count` placements spread over employers of REGIONS (two per region), 3 to 12 months each."""
    rng = random.Random(seed)
    employers = [EmployerFactory(dpf_region=region(code)) for code in REGIONS for _ in range(2)]
    out = Generated()
    out.reviewers = [
        StaffFactory(staff_role=StaffRole.REVIEWER, region=region(code), full_name=f"审核员{code}")
        for code in REGIONS
    ]
    now = timezone.now()
    statuses = list(PlacementStatus.values)
    for i in range(count):
        employer = rng.choice(employers)
        status = rng.choice(statuses)
        registered = now - timedelta(days=rng.randint(0, 45), hours=rng.randint(0, 23))
        out.placements.append(
            Placement(
                employer=employer,
                business_year=year,
                id_number=make_id_number(
                    employer.dpf_region_id, date(1980, 1, 1) + timedelta(days=i), 1 + i % 99
                ),
                name=f"人员{i}",
                sex="男",
                birth_date=date(1980, 1, 1) + timedelta(days=i),
                status=status,
                registered_at=None if rng.random() < 0.05 else registered,
            )
        )
    Placement.objects.bulk_create(out.placements)
    for placement in out.placements:
        for m in range(1, rng.randint(3, 12) + 1):
            checks = {
                code.value: {"passed": rng.random() < 0.8, "sources": []}
                for code in CheckCode
                if rng.random() < 0.95
            }
            out.months.append(
                PlacementMonth(
                    placement=placement, month=year * 100 + m, selected=rng.random() < 0.7, checks=checks
                )
            )
        if rng.random() < 0.5:
            # A reviewer of the employer's own region decides (another region's could not).
            reviewer = out.reviewers[REGIONS.index(placement.employer.dpf_region_id)]
            out.events.append(
                PlacementEvent(
                    placement=placement,
                    placement_ref=placement.pk,
                    employer=placement.employer,
                    business_year=year,
                    transition=rng.choice((*DECISIONS, "submit_for_review")),
                    actor=reviewer,
                )
            )
    PlacementMonth.objects.bulk_create(out.months)
    PlacementEvent.objects.bulk_create(out.events)
    return out
