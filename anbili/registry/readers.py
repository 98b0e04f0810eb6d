"""Reading import files: the type is sniffed from the content (never the name), CSV encodings are detected
(UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX is read with python-calamine keeping cells typed so that an ID
number turned into a number is caught, JSON Lines is read line by line.

A problem with the file as a whole (type, encoding, header) raises FileRefused and the batch is rejected
whole; problems of single rows are left to the row parsers.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from anbili.core.errors import ApplicationError
from anbili.core.xlsx_guard import MIB, UnreadableWorkbook, ZipLimits, check_xlsx
from anbili.registry.specs import Cell, Column

SNIFF_BYTES = 64 * 1024
_ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带BOM）", "gb18030": "GBK/GB18030"}
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF 文档"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"Rar!", "RAR 压缩文件"),
    (b"7z\xbc\xaf", "7z 压缩文件"),
)
ACCEPTED = "请上传 CSV（UTF-8 或 GBK 编码）、XLSX 或 JSON Lines 文件"
# A full sheet (1,048,576 rows of a kind's columns) inflates to a few hundred MB; beyond that it is a bomb.
XLSX_LIMITS = ZipLimits(max_member_bytes=768 * MIB, max_total_bytes=1024 * MIB)


class FileRefused(ApplicationError):
    """The file as a whole cannot be imported; nothing of it is applied."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file", code="file_refused")


def sniff_format(head: bytes, file: IO[bytes] | None = None) -> str:
    """The format of a file from its first bytes: "csv", "jsonl", "xlsx" or "xls"; FileRefused otherwise."""
    if not head.strip():
        raise FileRefused("文件为空")
    if head.startswith(b"PK\x03\x04"):
        if file is not None and not _is_xlsx(file):
            raise FileRefused(f"文件类型不支持（检测到：ZIP 压缩文件，不是 XLSX 表格）。{ACCEPTED}")
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    for signature, label in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise FileRefused(f"文件类型不支持（检测到：{label}）。{ACCEPTED}")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(
            "文件编码为 UTF-16（Unicode 文本），无法导入。请另存为 UTF-8 或 GBK 编码的 CSV 文件"
        )
    if b"\x00" in head:
        raise FileRefused(f"文件类型不支持（检测到：{_describe(head)}）。{ACCEPTED}")
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"{"):
        return "jsonl"
    if text.startswith(b"["):
        raise FileRefused("JSON 数组格式不支持：请使用 JSON Lines（每行一个 JSON 对象）")
    return "csv"


def _is_xlsx(file: IO[bytes]) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        file.seek(0)


def _describe(head: bytes) -> str:
    try:
        import magic

        return str(magic.from_buffer(head))
    except Exception:  # libmagic missing or unreadable: the generic word is enough for the message
        return "二进制文件"


def detect_encoding(file: IO[bytes]) -> str:
    """The text encoding of a CSV/JSON Lines file, decided on the first non-ASCII bytes (an ASCII header
    says nothing); FileRefused when neither UTF-8 nor GB18030 (a superset of GBK) decodes them."""
    file.seek(0)
    first = file.read(3)
    if first == codecs.BOM_UTF8:
        return "utf-8-sig"
    file.seek(0)
    while True:
        chunk = file.read(SNIFF_BYTES)
        if not chunk:
            file.seek(0)
            return "utf-8"
        if chunk.isascii():
            continue
        # Start at the first non-ASCII byte: everything before it was ASCII, so it begins a character.
        start = next(i for i, byte in enumerate(chunk) if byte >= 0x80)
        sample = chunk[start:]
        file.seek(0)
        for encoding in ("utf-8", "gb18030"):
            try:
                codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            except UnicodeDecodeError:
                continue
            return encoding
        raise FileRefused(f"无法识别文件编码{_guess(sample)}，请另存为 UTF-8 或 GBK 编码的 CSV 文件")


def _guess(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return f"（疑似 {best.encoding}）" if best is not None else ""


def encoding_label(encoding: str) -> str:
    """The encoding as messages name it."""
    return _ENCODING_LABELS.get(encoding, encoding)


def normalise_header(text: object) -> str:
    """A header cell as matched: no blanks, no required-marks (*), full-width parentheses made ASCII."""
    value = str(text if text is not None else "").strip().lstrip("\ufeff")
    for mark in ("*", "＊", " ", "\u3000"):
        value = value.replace(mark, "")
    return value.replace("（", "(").replace("）", ")").lower()


@dataclass
class Table:
    """The rows of a file, header mapped onto the kind's columns: (row number, cells in column order)."""

    format: str
    encoding: str
    rows: Iterator[tuple[int, list[Cell]]]
    estimated_rows: int


def map_header(header: Sequence[object], columns: Sequence[Column]) -> list[int | None]:
    """Positions of the kind's columns in the header; FileRefused naming missing or repeated columns."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = normalise_header(cell)
        if not name:
            continue
        if name in positions:
            raise FileRefused(f"表头中“{str(cell).strip()}”列出现了两次，请删除重复的列")
        positions[name] = index
    mapping: list[int | None] = []
    missing: list[str] = []
    for column in columns:
        found = [positions[n] for n in map(normalise_header, column.names) if n in positions]
        if len(set(found)) > 1:
            raise FileRefused(f"表头中有多列都对应“{column.header}”，请只保留一列")
        if found:
            mapping.append(found[0])
        elif column.required:
            missing.append(column.header)
            mapping.append(None)
        else:
            mapping.append(None)
    if missing:
        expected = "、".join(c.header + ("" if c.required else "（可选）") for c in columns)
        raise FileRefused(f"缺少必填列：{'、'.join(missing)}。应有的列：{expected}")
    return mapping


def _pick(cells: Sequence[Cell], mapping: Sequence[int | None]) -> list[Cell]:
    width = len(cells)
    return [cells[i] if i is not None and i < width else None for i in mapping]


def _blank(cells: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def open_table(file: IO[bytes], columns: Sequence[Column]) -> Table:
    """Sniff, decode and map the header of a file; the rows are read lazily (constant memory for CSV and
    JSON Lines)."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    fmt = sniff_format(head, file)
    if fmt in ("xlsx", "xls"):
        return _open_workbook(file, fmt, columns)
    encoding = detect_encoding(file)
    estimated = _count_lines(file)
    if fmt == "jsonl":
        return Table(fmt, encoding, _jsonl_rows(file, encoding, columns), estimated)
    return _open_csv(file, encoding, columns, estimated)


def _count_lines(file: IO[bytes]) -> int:
    file.seek(0)
    lines = 0
    last = b"\n"
    while chunk := file.read(1 << 20):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    file.seek(0)
    return lines + (0 if last == b"\n" else 1)


def _lines(file: IO[bytes], encoding: str) -> Iterator[str]:
    """Decoded lines at C speed; on an undecodable byte the file is rescanned to name the exact line."""
    file.seek(0)
    stream = io.TextIOWrapper(file, encoding=encoding, errors="strict", newline="")
    try:
        yield from stream
    except UnicodeDecodeError:
        raise FileRefused(
            f"第{_first_undecodable_line(file, encoding)}行的文字无法按{encoding_label(encoding)}编码读取"
            "（文件中混有其他编码），请将整个文件另存为 UTF-8 或 GBK 编码后重新导入"
        ) from None
    finally:
        stream.detach()  # the file belongs to the caller


def _first_undecodable_line(file: IO[bytes], encoding: str) -> int:
    file.seek(0)
    number = 0
    for number, raw in enumerate(iter(file.readline, b""), start=1):
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            return number
    return number


def _open_csv(file: IO[bytes], encoding: str, columns: Sequence[Column], estimated: int) -> Table:
    lines = _lines(file, encoding)
    first_line = next(lines, "")
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    mapping = map_header(header, columns)

    width = len(mapping)
    # The usual file has exactly the kind's columns in order: its rows are used as they are.
    in_order = mapping == list(range(width))

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        # Row numbers count records as a spreadsheet shows them: the header is row 1.
        reader = csv.reader(lines, delimiter=delimiter)
        row = 1
        try:
            for cells in reader:
                row += 1
                if not cells or (not cells[0] and _blank(cells)):
                    continue
                yield row, cells if in_order and len(cells) == width else _pick(cells, mapping)
        except csv.Error as error:
            raise FileRefused(f"第{row + 1}行附近的 CSV 格式有误（{error}），请检查引号是否成对") from None

    return Table("csv", encoding, rows(), max(estimated - 1, 0))


def _jsonl_rows(
    file: IO[bytes], encoding: str, columns: Sequence[Column]
) -> Iterator[tuple[int, list[Cell]]]:
    names = [{normalise_header(name) for name in column.names} for column in columns]
    for line_number, line in enumerate(_lines(file, encoding), start=1):
        if not line.strip():
            continue
        try:
            record: Any = json.loads(line)
        except ValueError:
            yield line_number, [_JsonProblem("本行不是有效的 JSON 对象")]
            continue
        if not isinstance(record, dict):
            yield line_number, [_JsonProblem("本行应为一个 JSON 对象（{...}）")]
            continue
        keyed = {normalise_header(key): value for key, value in record.items()}
        # An absent key reads as an empty cell: the parser then names the column that may not be empty.
        yield (
            line_number,
            [next((keyed[name] for name in accepted if name in keyed), None) for accepted in names],
        )


class _JsonProblem(str):
    """A marker cell: the line could not be turned into cells; the importer reports its text for the row."""


def row_problem(cells: Sequence[Cell]) -> str | None:
    """The reason a reader could not produce cells for a row (JSON Lines only), or None."""
    for cell in cells:
        if isinstance(cell, _JsonProblem):
            return str(cell)
    return None


def _open_workbook(file: IO[bytes], fmt: str, columns: Sequence[Column]) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    if fmt == "xlsx":
        try:
            check_xlsx(file, XLSX_LIMITS)
        except UnreadableWorkbook as error:
            raise FileRefused(error.message) from None
    file.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(file)  # type: ignore[arg-type]
        if not workbook.sheet_names:
            raise FileRefused("表格文件中没有工作表")
        data = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except CalamineError as error:
        raise FileRefused(
            f"无法读取该 Excel 文件（{type(error).__name__}），文件可能已损坏或设置了密码"
        ) from None
    except FileRefused:
        raise
    except Exception as error:  # calamine raises plain errors for some malformed archives
        raise FileRefused(f"无法读取该 Excel 文件（{error}），文件可能已损坏") from None
    header_index = next((i for i, cells in enumerate(data) if not _blank(cells)), None)
    if header_index is None:
        raise FileRefused("表格的第一个工作表是空的")
    mapping = map_header(data[header_index], columns)

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        for index in range(header_index + 1, len(data)):
            cells = data[index]
            if not _blank(cells):
                yield index + 1, _pick(cells, mapping)

    return Table(fmt, "", rows(), len(data) - header_index - 1)
