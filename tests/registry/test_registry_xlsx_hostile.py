"""Registry XLSX imports with hostile files: zip bombs and XML attacks reject the batch whole with
"无法读取该 Excel 文件", and reading stays in bounded memory (calamine inflates in Rust, so the peak is the
process's resident size, measured in a child process)."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.registry.models import BatchStatus, WageMonth
from tests.core import xlsx_files

BOMB = 200 * xlsx_files.MIB
HEADER = ["身份证号", "发放单位统一社会信用代码", "所属年月", "工资金额", "发放地行政区划代码"]


def _wage_workbook() -> bytes:
    person = make_id_number("150102", date(1980, 5, 1), 11)
    return xlsx_files.workbook([HEADER, [person, make_uscc("91150102MA0000001"), "202501", "2500", "150102"]])


HOSTILE = {
    "shared-strings bomb": lambda: xlsx_files.bomb(_wage_workbook(), member=xlsx_files.SHARED, inflated=BOMB),
    "sheet bomb": lambda: xlsx_files.bomb(_wage_workbook(), member=xlsx_files.SHEET, inflated=BOMB),
    "lying sizes": lambda: xlsx_files.lying_sizes(_wage_workbook(), inflated=BOMB),
    "billion laughs": lambda: xlsx_files.billion_laughs(_wage_workbook()),
    "xxe": lambda: xlsx_files.xxe(_wage_workbook()),
    "external dtd": lambda: xlsx_files.external_dtd(_wage_workbook()),
    "damaged xml": lambda: xlsx_files.damaged_xml(_wage_workbook()),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_workbooks_reject_the_batch_whole(run_import, kind):
    batch = run_import("wage", HOSTILE[kind](), name="wage.xlsx")
    assert batch.status == BatchStatus.REJECTED, batch.message
    assert batch.message.startswith("无法读取该 Excel 文件"), batch.message
    assert (WageMonth.objects.count(), batch.rows_created) == (0, 0)


def test_a_good_workbook_still_imports(run_import):
    batch = run_import("wage", _wage_workbook(), name="wage.xlsx")
    assert (batch.status, batch.rows_created) == (BatchStatus.DONE, 1), batch.message


_CHILD = """
import json, resource, sys
import django
django.setup()
from anbili.registry.readers import FileRefused, open_table
from anbili.registry.specs import SPECS
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as file:
    try:
        open_table(file, SPECS["wage"].columns)
        message = ""
    except FileRefused as error:
        message = error.message
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grown_kib": after - before, "message": message}))
"""


@pytest.mark.parametrize("member", [xlsx_files.SHARED, xlsx_files.SHEET])
def test_a_bomb_is_refused_before_calamine_inflates_it(tmp_path: Path, member):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_files.bomb(_wage_workbook(), member=member, inflated=BOMB))
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    outcome = json.loads(child.stdout.strip().splitlines()[-1])
    assert outcome["grown_kib"] < 40 * 1024, outcome  # the bomb inflates to 200 MB (calamine: ~600 MB)
    assert outcome["message"].startswith("无法读取该 Excel 文件"), outcome
