"""The password rules (anbili/accounts/passwords.py through settings.AUTH_PASSWORD_VALIDATORS): Chinese, one
clause each, joined without stray punctuation; a password equal to or like the account name is refused."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from anbili.accounts.models import AccountKind, User
from anbili.accounts.services import agent_create
from anbili.core.errors import ApplicationError
from tests.factories import MembershipFactory


def _refusals(password: str, user: User | None = None) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return caught.value.messages


def test_each_rule_speaks_chinese_in_one_clause():
    assert _refusals("1234") == [
        "密码至少需要 8 位，当前为 4 位",
        "密码不能全是数字，请加入字母或符号",
        "该密码过于常见，容易被猜中，请换一个",
    ]
    assert _refusals("password") == ["该密码过于常见，容易被猜中，请换一个"]
    assert password_validators_help_texts() == [
        "至少 8 位",
        "不能全是数字",
        "不能是常见密码",
        "不能与账号、姓名等个人信息相同或相近",
    ]


@pytest.mark.parametrize(
    "password", ["hr_zhangsan", "HR_ZhangSan", "hr_zhangsan2026", "ｈｒ＿ｚｈａｎｇｓａｎ", "hr_zhangsa"]
)
def test_a_password_equal_to_containing_or_like_the_account_name_is_refused(password):
    user = User(username="hr_zhangsan", kind=AccountKind.AGENT, full_name="张三", phone="13900001111")
    assert "密码不能与账号相同或相近，请换一个" in _refusals(password, user)


def test_the_id_number_and_the_phone_are_compared_too():
    user = User(username="150102198503040011", id_number="150102198503040011", phone="13900001111")
    assert "密码不能与账号相同或相近，请换一个" in _refusals("x150102198503040011", user)
    agent = User(username="clerk01", phone="13900001111")
    assert "密码不能与手机号相同或相近，请换一个" in _refusals("tel13900001111", agent)


def test_an_unrelated_password_passes():
    user = User(username="hr_zhangsan", full_name="张三", phone="13900001111")
    validate_password("Agent@Pass2026", user)


@pytest.mark.django_db
def test_the_service_shows_each_refusal_at_the_password_field_without_stray_punctuation(regions):
    membership = MembershipFactory()
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as caught:
        agent_create(
            legal_person=membership.user,
            employer_id=membership.employer_id,
            username="hr_clerk",
            full_name="人事专员",
            phone="13700000000",
            valid_from=today,
            valid_until=today + timedelta(days=30),
            password="hr_clerk",
        )
    errors = [(e.field, e.message) for e in caught.value.errors]
    assert errors == [("password", "密码不能与账号相同或相近，请换一个")]
    with pytest.raises(ApplicationError) as caught:
        agent_create(
            legal_person=membership.user,
            employer_id=membership.employer_id,
            username="hr_clerk",
            full_name="人事专员",
            phone="13700000000",
            valid_from=today,
            valid_until=today + timedelta(days=30),
            password="123",
        )
    assert [e.field for e in caught.value.errors] == ["password"] * 3
    assert "。；" not in caught.value.message and "；；" not in caught.value.message
    assert caught.value.message.startswith("密码至少需要 8 位，当前为 3 位；密码不能全是数字")
    assert not User.objects.filter(username="hr_clerk").exists()
