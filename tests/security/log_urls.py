"""The project's URLs plus one view that hits a real unique-key violation, for the log masking tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

DUPLICATE_ID = "150102199001011234"


def duplicate_person_view(request: HttpRequest) -> HttpResponse:
    """Insert the same registry person twice: PostgreSQL's error DETAIL quotes the ID number."""
    from django.utils import timezone

    from anbili.registry.models import PartnerKind, RegistryPerson

    for _ in range(2):
        RegistryPerson.objects.create(
            id_number=DUPLICATE_ID,
            name="测试",
            sex="男",
            birth_date="1990-01-01",
            household_region="150102",
            source=PartnerKind.DISABILITY_REGISTRY,
            received_at=timezone.now(),
        )
    return HttpResponse("unreachable")


urlpatterns = [*project_urlpatterns, path("test-duplicate-person/", duplicate_person_view)]
