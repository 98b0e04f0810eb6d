"""Building blocks of the review tests (issue 12): a placement waiting for review, built through the
employer's own services from placement_data's registry rows and ready draft, and a reviewer."""

from __future__ import annotations

from datetime import date

from anbili.placements import services
from anbili.placements.models import Placement
from tests.placements.placement_data import TODAY, YEAR, new_id_number, ready_draft, registry_person, upload

EVIDENCE = ("wage", "pension", "medical")


def failed_months(paid: range) -> list[int]:
    """The months of YEAR without wage, pension and medical rows."""
    return [YEAR * 100 + m for m in range(1, 13) if m not in paid]


def evidence_uploads() -> dict[tuple[int, str], object]:
    """One file per failed check, for every selected month (month 0)."""
    return {(0, code): upload(f"{code}.pdf") for code in EVIDENCE}


def pending_placement(
    employer,
    user,
    *,
    paid: range = range(1, 10),
    name: str = "张三",
    id_number: str | None = None,
    **contract,
) -> Placement:
    """A placement waiting for review (待审核): paid months auto-confirmed, the others (October to December
    by default) selected with their evidence and pending review."""
    number = id_number or new_id_number()
    registry_person(number, name=name, payer=employer.uscc, months=paid)
    draft = ready_draft(employer, user, number, **contract)
    return resubmit(draft, employer, user, failed_months(paid))


def resubmit(placement: Placement, employer, user, months: list[int]) -> Placement:
    """The employer's 保存 of 勾选安置月份 with the failed months ticked (their evidence uploaded again)."""
    return services.placement_months_save(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        months=months,
        evidence=evidence_uploads(),
    )


# The registry's own certificate of `pending_with_added_certificate` starts here; the added one ends the day
# before.
NEW_START = date(YEAR, 4, 10)


def pending_with_added_certificate(employer, user, *, name: str = "张三") -> Placement:
    """Waiting for review with a historical certificate the employer added for January to March (the
    registry's own starts on NEW_START) and those months ticked: they pass every check once it is
    approved, and no further file is asked while it waits (the image is the evidence)."""
    number = new_id_number()
    registry_person(number, name=name, payer=employer.uscc, level=2, certificate_from=NEW_START)
    draft = ready_draft(employer, user, number)
    services.placement_certificate_add(
        placement_id=draft.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        number=f"{number}42",
        certificate_type="残疾人证",
        category=4,
        level=2,
        valid_from=date(YEAR - 9, 4, 10),
        valid_until=date(YEAR, 4, 9),
        image_upload=upload("残疾证.png"),
    )
    return services.placement_months_save(
        placement_id=draft.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        months=[YEAR * 100 + 1, YEAR * 100 + 2, YEAR * 100 + 3],
    )
