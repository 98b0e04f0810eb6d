"""factory-boy factories over the real models (Faker zh_CN)."""

from datetime import date, timedelta
from itertools import count

import factory
from django.utils import timezone

from anbili.accounts.models import AccountKind, Membership, MembershipRole, StaffRole, User
from anbili.core.identifiers import make_id_number, make_uscc
from anbili.employers.models import Employer, UnitNature, UnitYearProfile
from anbili.regions.models import Region

PASSWORD = "Test@2026pass"
_seq = count(1)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    uscc = factory.LazyFunction(lambda: make_uscc(f"91150102MA{next(_seq):07d}"))
    name = factory.Faker("company", locale="zh_CN")
    nature = UnitNature.ENTERPRISE
    dpf_region = factory.LazyFunction(lambda: region("150102"))
    tax_region = factory.SelfAttribute("dpf_region")
    admin_region = factory.SelfAttribute("dpf_region")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    full_name = factory.Faker("name", locale="zh_CN")
    kind = AccountKind.AGENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class LegalPersonFactory(UserFactory):
    kind = AccountKind.LEGAL_PERSON
    id_number = factory.LazyFunction(
        lambda: make_id_number("150102", date(1980, 1, 1), next(_seq) % 999 or 1)
    )
    username = factory.SelfAttribute("id_number")


class StaffFactory(UserFactory):
    kind = AccountKind.STAFF
    staff_role = StaffRole.REVIEWER
    region = factory.LazyFunction(lambda: region("150102"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(LegalPersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    role = MembershipRole.LEGAL_PERSON
    is_default = True


class AgentMembershipFactory(MembershipFactory):
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.AGENT
    is_default = False
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=335))


class UnitYearProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitYearProfile

    employer = factory.SubFactory(EmployerFactory)
    business_year = factory.LazyFunction(lambda: timezone.localdate().year - 1)
    employee_count = 120
    agent_name = factory.Faker("name", locale="zh_CN")
    agent_phone = "13900000000"
    business_address = "内蒙古自治区呼和浩特市新城区新华大街1号"
    registered_address = "内蒙古自治区呼和浩特市新城区新华大街1号"
    confirmed_at = factory.LazyFunction(timezone.now)


def unit_info_saved(employer: Employer, business_year: int | None = None) -> UnitYearProfile:
    """The business year's unit information saved (confirmed): placements of the year may then start."""
    year = business_year if business_year is not None else timezone.localdate().year - 1
    profile = UnitYearProfile.objects.filter(employer=employer, business_year=year).first()
    if profile is None:
        profile = UnitYearProfileFactory(employer=employer, business_year=year)
    elif profile.confirmed_at is None:
        profile.confirmed_at = timezone.now()
        profile.save(update_fields=["confirmed_at"])
    return profile
