"""The staff export of 残疾人安置管理 as an Excel workbook (openpyxl, write-only: rows go straight to the
file, so 50,000 rows need no worksheet in memory). ID numbers are masked 6+4 unless the caller (a system
admin who asked, audited by the view) passes `masked=False`."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from anbili.core.masking import mask
from anbili.placements.models import PlacementStatus
from anbili.placements.selectors import beijing_time
from anbili.placements.selectors_staff import EXPORT_COLUMNS

EXPORT_LIMIT = 50_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these would be read by Excel as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@")
COLUMN_WIDTHS = (10, 12, 22, 6, 36, 22, 16, 16, 12, 18)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def placements_export_xlsx(rows: Iterable[dict[str, Any]], *, masked: bool = True) -> tuple[bytes, int]:
    """The workbook's bytes and the number of data rows written."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("残疾人安置管理")
    # Widths are set before the first row (write-only sheets allow nothing later): a clerk reads the
    # numbers and unit names without widening columns.
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([heading for heading, _ in EXPORT_COLUMNS])
    labels = dict(PlacementStatus.choices)
    count = 0
    for row in rows:
        values = dict(row)
        values["id_number"] = mask(values["id_number"]) if masked else values["id_number"]
        values["status"] = labels.get(values["status"], values["status"])
        moment = values.get("registered_at")
        values["registered_at"] = beijing_time(moment) if moment else ""
        sheet.append([_cell(values[path]) for _, path in EXPORT_COLUMNS])
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
