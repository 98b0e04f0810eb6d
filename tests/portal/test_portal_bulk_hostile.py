"""批量登记 with hostile Excel files: zip bombs and XML attacks get "无法读取该 Excel 文件" on the file field,
never a 500, nothing saved, and memory stays far below what the bomb inflates to."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anbili.placements import services
from anbili.placements.models import Placement
from tests.core import xlsx_files
from tests.portal.test_portal_placements import client_a, membership, text  # noqa: F401 (fixtures)

URL = "/portal/placements/bulk/"
BOMB = (
    200 * xlsx_files.MIB
)  # what the 1.5 MB upload of the report did in proportion: ~200 KB that inflates 1000×


def _template():
    return services.bulk_template_xlsx()


HOSTILE = {
    "shared-strings bomb": lambda: xlsx_files.bomb(_template(), member=xlsx_files.SHARED, inflated=BOMB),
    "sheet bomb": lambda: xlsx_files.bomb(_template(), member=xlsx_files.SHEET, inflated=BOMB),
    "lying sizes": lambda: xlsx_files.lying_sizes(_template(), inflated=BOMB),
    "billion laughs": lambda: xlsx_files.billion_laughs(_template()),
    "xxe": lambda: xlsx_files.xxe(_template()),
    "external dtd": lambda: xlsx_files.external_dtd(_template()),
    "damaged xml": lambda: xlsx_files.damaged_xml(_template()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_workbooks_are_refused_on_the_file_field_in_bounded_memory(client_a, kind):  # noqa: F811
    content = HOSTILE[kind]()
    assert len(content) < 2 * 1024 * 1024
    upload = SimpleUploadedFile("批量登记.xlsx", content)
    tracemalloc.start()
    try:
        response = client_a.post(URL, {"file": upload})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB traced"
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    assert "无法读取该 Excel 文件" in text(response)
    assert not Placement.objects.exists()
