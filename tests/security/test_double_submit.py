"""Double submits: two identical requests at the same moment give one success and one clear message on
the field, never an IntegrityError 500 (添加残疾人, 经办人管理, 法人注册). Both requests pass the "already
exists?" check before either writes, so the unique constraint is what refuses the second."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from anbili.accounts import services as account_services
from anbili.accounts.models import Membership, User
from anbili.core.identifiers import make_id_number, make_uscc
from anbili.employers.models import Employer
from anbili.placements.models import Placement
from anbili.placements.services import registration as placement_registration
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_clock"),  # "today" for the agents' validity and the window
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite takes the write lock when a write transaction begins (transaction_mode IMMEDIATE), so "
        "two writes cannot overlap; the race is only possible on PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]


def _logged_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()
    return client


def _race(monkeypatch, module, name: str, posts: list[tuple[Client, str, dict]]) -> list[object]:
    """Send the posts at once; `module.name` (called after the existence checks, inside the transaction)
    waits until every request has reached it. Each request's response, or the exception it raised."""
    barrier = threading.Barrier(len(posts))
    original = getattr(module, name)

    def waiting(*args, **kwargs):
        barrier.wait(timeout=10)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, waiting)
    results: list[object] = [None] * len(posts)

    def send(index: int, client: Client, url: str, data: dict) -> None:
        try:
            results[index] = client.post(url, data)
        except BaseException as error:  # the test client re-raises a view's exception
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _one_success_one_message(results, *, field: str, message: str) -> None:
    statuses = sorted((getattr(r, "status_code", repr(r)) for r in results), key=str)
    assert statuses == [302, 400], results
    refused = next(r for r in results if r.status_code == 400)
    body = refused.content.decode()
    assert f'id="id_{field}_error"' in body, body
    assert message in body


@pytest.fixture
def window_open(regions):
    from tests.portal.test_portal_placements import set_window

    set_window(True)


def test_placement_add_twice_at_once(monkeypatch, window_open):
    from tests.factories import unit_info_saved

    membership = MembershipFactory()
    unit_info_saved(membership.employer)  # placements start once the year's unit information is saved
    number = make_id_number("150102", date(1985, 6, 15), 31)
    clients = [_logged_in(membership), _logged_in(membership)]
    results = _race(
        monkeypatch,
        placement_registration,
        "registry_person_lookup",
        [(c, "/portal/placements/add/", {"id_number": number}) for c in clients],
    )
    _one_success_one_message(results, field="id_number", message="业务年度登记")
    assert Placement.objects.filter(id_number=number).count() == 1


def test_agent_add_twice_at_once(monkeypatch, regions):
    membership = MembershipFactory()
    today = timezone.localdate()
    data = {
        "username": "hr_clerk",
        "full_name": "人事专员",
        "phone": "13700000000",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=90)).isoformat(),
        "password": "Agent@Pass2026",
    }
    clients = [_logged_in(membership), _logged_in(membership)]
    results = _race(
        monkeypatch,
        account_services,
        "_password_check",
        [(c, "/portal/account/agents/", data) for c in clients],
    )
    _one_success_one_message(results, field="username", message="该账号已被使用")
    assert User.objects.filter(username="hr_clerk").count() == 1
    assert Membership.objects.filter(user__username="hr_clerk").count() == 1


def _register_data(**overrides) -> dict:
    data = {
        "uscc": make_uscc("91150102MA0XYK123"),
        "unit_name": "呼和浩特市测试有限公司",
        "nature": "enterprise",
        "region_code": "150102",
        "legal_person_name": "测试法人",
        "legal_person_id_number": make_id_number("150102", date(1985, 3, 4), 11),
        "phone": "13800000001",
        "password": "Good@Pass2026",
        "password2": "Good@Pass2026",
    }
    return {**data, **overrides}


def test_registration_twice_at_once(monkeypatch, regions):
    results = _race(
        monkeypatch,
        account_services,
        "_password_check",
        [(Client(), "/portal/register/", _register_data()) for _ in range(2)],
    )
    _one_success_one_message(results, field="legal_person_id_number", message="该法定代表人已有账号")
    assert (Employer.objects.count(), User.objects.count(), Membership.objects.count()) == (1, 1, 1)


def test_two_legal_persons_registering_one_unit_at_once(monkeypatch, regions):
    second_person = make_id_number("150102", date(1990, 1, 2), 13)
    results = _race(
        monkeypatch,
        account_services,
        "_password_check",
        [
            (Client(), "/portal/register/", _register_data()),
            (Client(), "/portal/register/", _register_data(legal_person_id_number=second_person)),
        ],
    )
    _one_success_one_message(results, field="uscc", message="该统一社会信用代码已注册")
    assert (Employer.objects.count(), User.objects.count(), Membership.objects.count()) == (1, 1, 1)
