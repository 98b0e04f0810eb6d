"""The Excel template for registering many persons at once (beyond the official one-at-a-time screens) and
its reader; `services.placements_bulk_import` turns the rows into verified placements."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from anbili.core.errors import ApplicationError
from anbili.core.masking import mask
from anbili.core.xlsx_guard import MIB, UnreadableWorkbook, ZipLimits, check_xlsx

MAX_ROWS = 2000
MAX_BYTES = 10 * 1024 * 1024
# 2,000 rows of 15 columns inflate to a few MB; the limits leave room for formatting and stop zip bombs.
INFLATE_LIMITS = ZipLimits(max_member_bytes=32 * MIB, max_total_bytes=64 * MIB)
UNREADABLE = "无法读取该 Excel 文件，请使用下载的模板填写"

# (key, header, required, hint) in column order; the keys are the service's argument names.
COLUMNS: list[tuple[str, str, bool, str]] = [
    ("id_number", "身份证号", True, "18位，按文本填写"),
    ("name", "姓名", False, "残疾人人口基础库无记录时必填"),
    ("household_type", "户籍地类型", True, "城镇 / 农村"),
    ("household_region", "户籍地行政区划代码", True, "6位区县代码，例如 150102"),
    ("household_address", "户籍地址", True, ""),
    ("phone", "联系电话", True, ""),
    ("is_graduate", "是否高校毕业生", True, "是 / 否（高校毕业生须上传学历证明，请逐个登记）"),
    ("contract_type", "合同类型", True, "劳动合同 / 无固定期限劳动合同 / 编制（在编证明）"),
    ("start", "合同开始日期", True, "例如 2025-01-01"),
    ("end", "合同结束日期", False, "无固定期限或编制不填"),
    ("post", "岗位工种", True, ""),
    ("monthly_wage", "合同月薪", True, "元"),
    ("wage_payer_uscc", "工资发放单位统一社会信用代码", False, "不填为本单位"),
    ("pension_payer_uscc", "社保参保单位统一社会信用代码", False, "不填为本单位"),
    ("medical_payer_uscc", "医保参保单位统一社会信用代码", False, "不填为本单位"),
]
HEADERS = [header for _, header, _, _ in COLUMNS]
LABELS = {key: header for key, header, _, _ in COLUMNS}


class RowOutcome:
    CONFIRMED = "confirmed"
    NEEDS_EVIDENCE = "needs_evidence"
    NEEDS_CONTRACT = "needs_contract"
    WRONG = "wrong"


OUTCOME_LABELS = {
    RowOutcome.CONFIRMED: "系统核验通过，已确认",
    RowOutcome.NEEDS_EVIDENCE: "需补充材料",
    RowOutcome.NEEDS_CONTRACT: "待上传合同附件",
    RowOutcome.WRONG: "数据有误，未登记",
}


@dataclass
class BulkRow:
    """The outcome of one template row."""

    row_number: int
    id_number: str
    name: str
    outcome: str
    message: str
    placement_id: int | None = None

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class BulkImportReport:
    """Per-row report: confirmed, needing evidence (failed months listed), waiting for its contract file (a
    draft at 合同管理) or wrong (column and reason); and the uploaded files no row names (not stored)."""

    file_name: str
    rows: list[BulkRow] = field(default_factory=list)
    unmatched_files: list[str] = field(default_factory=list)

    def _count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def confirmed(self) -> int:
        return self._count(RowOutcome.CONFIRMED)

    @property
    def needs_evidence(self) -> int:
        return self._count(RowOutcome.NEEDS_EVIDENCE)

    @property
    def needs_contract(self) -> int:
        return self._count(RowOutcome.NEEDS_CONTRACT)

    @property
    def wrong(self) -> int:
        return self._count(RowOutcome.WRONG)

    @property
    def summary(self) -> str:
        return (
            f"共 {len(self.rows)} 行：系统核验通过并确认 {self.confirmed} 人，"
            f"需补充材料 {self.needs_evidence} 人，待上传合同附件 {self.needs_contract} 人，"
            f"数据有误 {self.wrong} 行"
        )

    @property
    def unmatched_summary(self) -> str:
        """The files no row names, or "" when every file found its row."""
        if not self.unmatched_files:
            return ""
        return (
            f"以下 {len(self.unmatched_files)} 个文件的文件名不是表中任何一行的身份证号，未保存："
            + "、".join(self.unmatched_files)
        )


def bulk_template_xlsx() -> bytes:
    """The Excel template (openpyxl): one header row, a hint row, the ID and code columns formatted as
    text so that Excel keeps the 18 digits."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "安置人员"
    sheet.append([f"*{h}" if required else h for _, h, required, _ in COLUMNS])
    sheet.append([hint for _, _, _, hint in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (key, _, _, _) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 22 if key == "id_number" else 18
        if key in ("id_number", "household_region", "phone") or key.endswith("_uscc"):
            for row in range(3, MAX_ROWS + 3):
                sheet.cell(row=row, column=index).number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(content: bytes, file_name: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows as (Excel row number, {key: text}); refuses a file that is not the template."""
    if not file_name.lower().endswith(".xlsx"):
        raise ApplicationError("请上传 .xlsx 格式的 Excel 模板文件", field="file", code="format")
    if len(content) > MAX_BYTES:
        raise ApplicationError("文件不能超过 10MB", field="file", code="too_large")
    from openpyxl import load_workbook

    stream = io.BytesIO(content)
    try:
        check_xlsx(stream, INFLATE_LIMITS)
    except UnreadableWorkbook as exc:
        raise ApplicationError(f"{UNREADABLE}（{exc.reason}）", field="file", code="unreadable") from None
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        try:
            return _template_rows(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
    except ApplicationError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or disguised file, also while reading rows
        raise ApplicationError(UNREADABLE, field="file", code="unreadable") from None


def _template_rows(rows: Iterator[tuple[Any, ...]]) -> list[tuple[int, dict[str, str]]]:
    header = [_cell_text(v).lstrip("*") for v in next(rows, ())]
    if header[: len(HEADERS)] != HEADERS:
        raise ApplicationError("表头与模板不一致，请下载最新模板后填写", field="file", code="header")
    result: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(rows, start=2):
        texts = [_cell_text(v) for v in values[: len(COLUMNS)]]
        if not any(texts):
            continue
        if number == 2 and texts[0] == COLUMNS[0][3]:
            continue  # the hint row
        texts += [""] * (len(COLUMNS) - len(texts))
        result.append((number, {key: texts[i] for i, (key, _, _, _) in enumerate(COLUMNS)}))
        if len(result) > MAX_ROWS:
            raise ApplicationError(f"一次最多导入 {MAX_ROWS} 行，请分批导入", field="file", code="too_many")
    return result
