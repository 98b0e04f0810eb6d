"""残疾证管理: the historical certificate as seed 002 describes it (domain.md step 4). The person's current
certificate was newly issued inside the business year and the registry holds no earlier one: the employer
adds the certificate held before, with its real dates (before, and up to, the current one's start); it counts
after DPF review, can be removed until then, and the page says which months it would cover."""

from datetime import date

import pytest

from anbili.core.errors import ApplicationError
from anbili.evidence.models import EvidenceFile
from anbili.placements import services
from anbili.placements.models import PlacementCertificate, PlacementStatus
from anbili.placements.selectors import (
    covered_months,
    historical_certificate_need,
    months_text,
    placement_detail,
    verification_rows,
)
from anbili.registry.models import Certificate, CertificateOrigin
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.placements.placement_data import (
    TODAY,
    YEAR,
    new_id_number,
    ready_draft,
    registry_person,
    upload,
)

pytestmark = pytest.mark.django_db

NEW_START = date(YEAR, 4, 10)  # the current certificate, newly issued inside the business year


def _add(placement, employer, user, **overrides):
    values = {
        "number": f"{placement.id_number}42",
        "certificate_type": "残疾人证",
        "category": 4,
        "level": 2,
        "valid_from": date(YEAR - 9, 4, 10),
        "valid_until": date(YEAR, 4, 9),
        "image_upload": upload("残疾证.png"),
    }
    values.update(overrides)
    return services.placement_certificate_add(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **values
    )


def _remove(placement, employer, user, certificate_id):
    services.placement_certificate_remove(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, certificate_id=certificate_id
    )


@pytest.fixture
def renewed(employer, user):
    """A draft at month selection whose registry certificate starts on NEW_START: January to March fail."""
    number = new_id_number()
    registry_person(number, payer=employer.uscc, level=2, certificate_from=NEW_START)
    return ready_draft(employer, user, number)


def _certificate_reasons(placement, employer):
    rows = verification_rows(placement_detail(placement.pk, employer))
    return [(row.cells[3].passed, row.cells[3].reason_code) for row in rows]


def test_the_need_names_the_months_before_the_new_certificate(renewed):
    need = historical_certificate_need(renewed.id_number, YEAR)
    assert need.allowed and need.months == (1, 2, 3)
    assert f"{YEAR}年1月至3月没有有效的残疾证" in need.text
    assert f"有效期止不晚于 {YEAR}-04-10" in need.text


def test_an_earlier_certificate_with_its_real_dates_waits_for_review_then_counts(renewed, employer, user):
    before = _certificate_reasons(renewed, employer)
    assert before[:3] == [(False, "certificate_missing")] * 3 and before[3] == (True, "")
    link = _add(renewed, employer, user)  # issued nine years earlier: not inside the business year
    certificate = link.certificate
    assert certificate.origin == CertificateOrigin.MANUAL_PENDING
    assert (certificate.valid_from, certificate.valid_until) == (date(YEAR - 9, 4, 10), date(YEAR, 4, 9))
    assert link.image.purpose == "certificate_image"
    # The months were verified already: adding verifies them again at once.
    after = _certificate_reasons(renewed, employer)
    assert after[:3] == [(False, "certificate_pending_review")] * 3 and after[3] == (True, "")
    Certificate.objects.filter(pk=certificate.pk).update(origin=CertificateOrigin.MANUAL_APPROVED)
    months = services.placement_verify(placement_id=renewed.pk, employer=employer, today=TODAY)
    assert all(m.checks["certificate"]["passed"] for m in months)
    assert [m.weight for m in months[:3]] == [2, 2, 2]


def test_dates_that_do_not_fit_are_refused_all_at_once(renewed, employer, user):
    with pytest.raises(ApplicationError) as error:
        _add(renewed, employer, user, valid_from=date(YEAR, 5, 1), valid_until=None, image_upload=None)
    fields = {e.field for e in error.value.errors}
    assert fields == {"valid_from", "valid_until", "image_upload"}
    messages = " ".join(e.message for e in error.value.errors)
    assert f"应早于当前残疾证的有效期起 {YEAR}-04-10" in messages and "请填写「有效期止」" in messages
    assert not PlacementCertificate.objects.exists()


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "field", "words"),
    [
        (
            date(YEAR - 9, 4, 10),
            date(YEAR, 6, 30),
            "valid_until",
            f"不能晚于当前残疾证的有效期起 {YEAR}-04-10",
        ),
        (date(YEAR - 9, 4, 10), date(YEAR - 1, 12, 31), "valid_until", f"不覆盖 {YEAR} 业务年度"),
        (date(YEAR, 3, 1), date(YEAR, 2, 1), "valid_until", "不能早于有效期起"),
        (NEW_START, NEW_START, "valid_from", "应早于当前残疾证的有效期起"),
    ],
)
def test_each_wrong_date_is_named(renewed, employer, user, valid_from, valid_until, field, words):
    with pytest.raises(ApplicationError) as error:
        _add(renewed, employer, user, valid_from=valid_from, valid_until=valid_until)
    assert any(e.field == field and words in e.message for e in error.value.errors), error.value.errors
    assert not Certificate.objects.exclude(origin=CertificateOrigin.REGISTRY).exists()


def test_a_second_overlapping_certificate_is_refused(renewed, employer, user):
    _add(renewed, employer, user)
    with pytest.raises(ApplicationError) as error:
        _add(
            renewed, employer, user, number=f"{renewed.id_number}41", level=1, valid_from=date(YEAR - 1, 1, 1)
        )
    assert error.value.code == "overlap"
    assert PlacementCertificate.objects.count() == 1


@pytest.mark.parametrize(
    ("certificate_from", "with_certificate", "words"),
    [
        (date(YEAR - 5, 1, 1), True, "已覆盖"),  # the registry covers the whole year
        (date(YEAR, 1, 20), True, "已覆盖"),  # issued in January: every month has it
        (date(YEAR + 1, 2, 1), True, "不是"),  # issued after the business year
        (None, False, "没有该人员的残疾证"),
    ],
)
def test_refused_when_the_case_does_not_apply(employer, user, certificate_from, with_certificate, words):
    number = new_id_number()
    registry_person(
        number,
        payer=employer.uscc,
        with_certificate=with_certificate,
        **({"certificate_from": certificate_from} if certificate_from else {}),
    )
    placement = ready_draft(employer, user, number)
    assert not historical_certificate_need(number, YEAR).allowed
    with pytest.raises(ApplicationError) as error:
        _add(placement, employer, user, valid_from=date(YEAR - 9, 1, 1), valid_until=date(YEAR, 1, 19))
    assert error.value.code == "not_applicable" and words in error.value.message
    assert not PlacementCertificate.objects.exists()


def test_removed_until_decided_with_its_image_and_the_months_verified_again(renewed, employer, user):
    link = _add(renewed, employer, user)
    image_id = link.image_id
    _remove(renewed, employer, user, link.certificate_id)
    assert not PlacementCertificate.objects.exists()
    assert not Certificate.objects.filter(pk=link.certificate_id).exists()
    assert not EvidenceFile.objects.filter(pk=image_id).exists()
    assert _certificate_reasons(renewed, employer)[:3] == [(False, "certificate_missing")] * 3


@pytest.mark.parametrize("origin", [CertificateOrigin.MANUAL_APPROVED, CertificateOrigin.MANUAL_REJECTED])
def test_a_decided_certificate_cannot_be_removed(renewed, employer, user, origin):
    link = _add(renewed, employer, user)
    Certificate.objects.filter(pk=link.certificate_id).update(origin=origin)
    with pytest.raises(ApplicationError) as error:
        _remove(renewed, employer, user, link.certificate_id)
    assert error.value.code == "decided" and "不能删除" in error.value.message
    assert PlacementCertificate.objects.filter(pk=link.pk).exists()


def test_only_this_placements_own_added_certificates_can_be_removed(renewed, employer, user):
    registry = Certificate.objects.get(id_number=renewed.id_number)
    with pytest.raises(ApplicationError) as error:
        _remove(renewed, employer, user, registry.pk)
    assert error.value.code == "not_found"
    assert Certificate.objects.filter(pk=registry.pk).exists()


def test_a_submitted_placement_keeps_its_certificates(renewed, employer, user):
    link = _add(renewed, employer, user)
    services.placement_months_save(
        placement_id=renewed.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        months=[YEAR * 100 + m for m in range(4, 13)],
        evidence={},
    )
    renewed.refresh_from_db()
    assert renewed.status == PlacementStatus.CONFIRMED
    with pytest.raises(ApplicationError) as error:
        _remove(renewed, employer, user, link.certificate_id)
    assert error.value.code == "not_draft"
    assert PlacementCertificate.objects.filter(pk=link.pk).exists()


def test_months_text_and_covered_months():
    assert covered_months(date(YEAR - 9, 4, 10), date(YEAR, 4, 9), YEAR) == [1, 2, 3, 4]
    assert covered_months(NEW_START, None, YEAR) == list(range(4, 13))
    assert covered_months(date(YEAR - 3, 1, 1), date(YEAR - 1, 12, 31), YEAR) == []
    assert months_text(YEAR, [1, 2, 3]) == f"{YEAR}年1月至3月"
    assert months_text(YEAR, [5]) == f"{YEAR}年5月"
    assert months_text(YEAR, [1, 3]) == f"{YEAR}年1月、3月"


# --- the page --------------------------------------------------------------------------------------------


@pytest.fixture
def portal(client, user, employer):
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = employer.pk
    session[NOTICE_SESSION_KEY] = True
    session.save()
    return client


def _text(response) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_page_says_which_months_and_removes_after_confirmation(renewed, employer, portal):
    url = f"/portal/placements/{renewed.pk}/certificates/"
    page = _text(portal.get(url))
    assert f"{YEAR}年1月至3月没有有效的残疾证" in page and f"{YEAR}年4月至12月" in page
    data = {
        "number": f"{renewed.id_number}42",
        "certificate_type": "残疾人证",
        "category": "4",
        "level": "2",
        "valid_from": f"{YEAR - 9}-04-10",
        "valid_until": f"{YEAR}-04-09",
        "image_upload": upload("残疾证.pdf"),
    }
    assert portal.post(url, data).status_code == 302
    link = PlacementCertificate.objects.get()
    page = _text(portal.get(url))
    assert "单位补充（待审核）" in page and f"{YEAR}年1月至4月" in page
    assert f'href="?remove={link.certificate_id}#remove-confirm"' in portal.get(url).content.decode()
    confirm = _text(portal.get(f"{url}?remove={link.certificate_id}"))
    assert "确认删除补充的历史残疾证" in confirm and f"{YEAR}年1月至4月不再由该证件计入" in confirm
    assert PlacementCertificate.objects.exists()  # showing the confirmation removes nothing
    response = portal.post(url, {"action": "remove", "certificate_id": link.certificate_id}, follow=True)
    assert "已删除补充的历史残疾证" in _text(response)
    assert not PlacementCertificate.objects.exists()


def test_the_page_explains_why_no_certificate_can_be_added(employer, user, portal):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, certificate_from=date(YEAR - 5, 1, 1))
    placement = ready_draft(employer, user, number)
    response = portal.get(f"/portal/placements/{placement.pk}/certificates/")
    page = _text(response)
    assert "已覆盖" in page and "无需补充历史残疾证" in page
    assert 'name="image_upload"' not in response.content.decode()  # no form that can only be refused
