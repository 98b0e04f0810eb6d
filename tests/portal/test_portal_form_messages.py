"""Every form of the portal and the review system derives from NamedForm (anbili/forms.py): its messages
name the field ("请填写「经办人姓名」"), never Django's generic "这个字段是必填项。"; a hidden character is
named with its place; phones are checked on the page by the one phone check."""

import importlib
import inspect
import pkgutil
from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone

import anbili
from anbili.accounts.models import User
from anbili.forms import NamedForm
from tests.factories import EmployerFactory, MembershipFactory
from tests.portal.test_portal_placements import portal_login

# Phrases of Django's own zh-hans form messages; a NamedForm never shows one.
DJANGO_PHRASES = (
    "这个字段",
    "确保该值",
    "输入一个",
    "输入整数",
    "选择一个有效",
    "不允许是用空字符串",
    "提交的",
)


def _form_classes() -> list[type[forms.BaseForm]]:
    classes = []
    for info in pkgutil.walk_packages(anbili.__path__, "anbili."):
        if "forms" not in info.name.rsplit(".", 1)[-1]:
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__ and cls is not NamedForm:
                classes.append(cls)
    return classes


def test_every_form_of_the_project_is_a_named_form():
    classes = _form_classes()
    assert len(classes) >= 15, classes  # the walk found the forms
    assert [cls.__qualname__ for cls in classes if not issubclass(cls, NamedForm)] == []


# What a form's required keyword arguments get here: the choices a view would pass (the staff forms).
REQUIRED_KWARGS = {"regions": [], "months": [202501, 202502], "reasons": []}


def _empty(cls):
    parameters = inspect.signature(cls.__init__).parameters
    kwargs = {}
    if "employer" in parameters:
        kwargs = {"employer": EmployerFactory(), "related_units": []}
    for name, parameter in parameters.items():
        required = (
            parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty
        )
        if required and name not in kwargs:
            kwargs[name] = REQUIRED_KWARGS[name]
    return cls(data={}, files={}, **kwargs)


@pytest.mark.django_db
def test_an_empty_submit_names_every_required_field(regions):
    checked = 0
    for cls in _form_classes():
        form = _empty(cls)
        form.is_valid()
        for name, errors in form.errors.as_data().items():
            label = str(form.fields[name].label)
            for error in errors:
                message = " ".join(error.messages)
                assert not any(phrase in message for phrase in DJANGO_PHRASES), (cls, name, message)
                if error.code == "required":
                    checked += 1
                    assert label in message or message.startswith("请"), (cls, name, message)
    assert checked >= 40


@pytest.mark.django_db
def test_bad_values_are_named_by_the_field_label(regions):
    from anbili.accounts.forms import AgentForm, StaffForm
    from anbili.notices.forms import NoticeSearchForm

    today = timezone.localdate()
    agent = AgentForm(
        data={
            "username": "hr01",
            "full_name": "",
            "phone": "123",
            "valid_from": "2026-13-01",
            "password": "x",
        }
    )
    assert not agent.is_valid()
    assert agent.errors["full_name"] == ["请填写「经办人姓名」"]
    assert agent.errors["phone"] == ["「经办人手机号」格式不正确，请填写11 位手机号，例如 13800000000"]
    assert agent.errors["valid_from"] == ["「授权开始日期」不是有效的日期，格式如 2025-01-31"]
    assert agent.errors["valid_until"] == ["请填写「授权截止日期」"]
    staff = StaffForm(data={"role": "boss"})
    assert not staff.is_valid()
    assert staff.errors["role"] == ["「角色」的选项无效，请重新选择"]
    search = NoticeSearchForm(data={"q": "通" * 51})
    assert not search.is_valid()
    assert search.errors["q"] == ["「搜索关键字」不能超过 50 个字（当前 51 个）"]
    valid = AgentForm(
        data={
            "username": "hr01",
            "full_name": "人事专员",
            "phone": "１３７ ００００ ００００",
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(),
            "password": "x",
        }
    )
    assert valid.is_valid(), valid.errors
    assert valid.cleaned_data["phone"] == "13700000000"


def test_a_hidden_character_is_named_with_its_place_not_as_one_character_too_many():
    from anbili.portal.forms_placements import PlacementAddForm

    form = PlacementAddForm(data={"id_number": "\u200b11010519491231002X"})
    assert not form.is_valid()
    # 19 characters for a field of 18: only the hidden character is named, not the length.
    assert form.errors["id_number"] == ["「身份证号」第1个字符处含有不可见字符，请删除后重新输入"]


def test_a_form_sets_its_own_message_and_keeps_it():
    from anbili.portal.forms_placements import BulkImportForm

    form = BulkImportForm(data={}, files={})
    assert not form.is_valid()
    assert form.errors["file"] == ["请选择要上传的批量登记表"]


@pytest.mark.django_db
def test_agent_page_names_the_empty_field_and_the_bad_phone_at_once(client, regions):
    membership = MembershipFactory()
    portal_login(client, membership)
    today = timezone.localdate()
    response = client.post(
        "/portal/account/agents/",
        {
            "username": "hr_clerk",
            "full_name": "",
            "phone": "123",
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(),
            "password": "Agent@Pass2026",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写「经办人姓名」" in body
    assert "「经办人手机号」格式不正确" in body
    assert "这个字段是必填项" not in body
    assert not User.objects.filter(username="hr_clerk").exists()
