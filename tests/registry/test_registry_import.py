"""Importers: CSV / XLSX / JSON Lines, upsert by natural key, row reports, file-level rejection, atomicity."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.registry import services
from anbili.registry.models import (
    BatchStatus,
    Certificate,
    ImportBatchEvent,
    ImportRowError,
    MarketUnit,
    PartnerKind,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)
from anbili.registry.services import TransitionRefused, import_batch_transition, partner_token_issue

PERSON = make_id_number("150102", date(1980, 5, 1), 11)
OTHER = make_id_number("150203", date(1990, 2, 3), 22)
EMPLOYER = make_uscc("91150102MA0000001")
RELATED = make_uscc("91150203MA0000002")
WAGE_HEADER = "身份证号,发放单位统一社会信用代码,所属年月,工资金额,发放地行政区划代码"
PENSION_HEADER = "身份证号,缴费单位统一社会信用代码,所属年月,缴费金额,参保地行政区划代码"


def csv_bytes(header: str, *lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def errors_of(batch) -> list[tuple[int, str, str]]:
    return list(ImportRowError.objects.filter(batch=batch).values_list("row_number", "column", "message"))


def test_csv_import_writes_rows_with_their_provenance(run_import, upsert_path):
    batch = run_import(
        "wage",
        csv_bytes(
            WAGE_HEADER,
            f"{PERSON},{EMPLOYER},202501,2500.00,150102",
            f"{PERSON},{EMPLOYER},202502,2600,150102",
        ),
    )
    assert (batch.status, batch.rows_total, batch.rows_created, batch.rows_failed) == ("done", 2, 2, 0)
    row = WageMonth.objects.get(id_number=PERSON, month=202502)
    assert (row.payer_uscc, row.amount, row.region_code) == (EMPLOYER, Decimal("2600.00"), "150102")
    assert (row.source, row.batch_id, row.received_at) == (PartnerKind.WAGE, batch.pk, batch.received_at)
    assert list(batch.events.values_list("to_status", flat=True)) == ["received", "running", "done"]


def test_importing_the_same_file_twice_changes_nothing(run_import, upsert_path):
    data = csv_bytes(
        PENSION_HEADER,
        f"{PERSON},{EMPLOYER},202501,600.00,150102",
        f"{PERSON},{RELATED},202501,10.5,150203",
        f"{OTHER},{EMPLOYER},202412,600,150102",
    )
    first = run_import("pension", data)
    before = list(PensionMonth.objects.order_by("pk").values())
    second = run_import("pension", data)
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 0, 3)
    # Not even the provenance moves: the facts still come from the first batch.
    assert list(PensionMonth.objects.order_by("pk").values()) == before
    assert set(PensionMonth.objects.values_list("batch_id", flat=True)) == {first.pk}


def test_a_changed_value_updates_the_row_and_its_provenance(run_import, upsert_path):
    run_import("pension", csv_bytes(PENSION_HEADER, f"{PERSON},{EMPLOYER},202501,600.00,150102"))
    second = run_import(
        "pension",
        csv_bytes(
            PENSION_HEADER,
            f"{PERSON},{EMPLOYER},202501,650.00,150102",
            f"{PERSON},{EMPLOYER},202502,600,150102",
        ),
    )
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (1, 1, 0)
    row = PensionMonth.objects.get(id_number=PERSON, month=202501)
    assert (row.amount, row.batch_id) == (Decimal("650.00"), second.pk)


def test_invalid_rows_are_reported_with_row_number_and_reason_and_valid_rows_applied(run_import, upsert_path):
    bad_check = PERSON[:17] + ("0" if PERSON[17] != "0" else "1")
    batch = run_import(
        "wage",
        csv_bytes(
            WAGE_HEADER,
            f"{PERSON},{EMPLOYER},202501,2500,150102",  # row 2: valid
            f"{bad_check},{EMPLOYER},202501,2500,150102",  # row 3
            f"{PERSON},{EMPLOYER},202513,2500,150102",  # row 4
            f"{PERSON},{EMPLOYER},202503,-1,150102",  # row 5
            f"1.5263E+17,{EMPLOYER},202503,2500,150102",  # row 6
            f"{PERSON},{EMPLOYER},202501,2700,150102",  # row 7: duplicate of row 2
            f"{PERSON},{EMPLOYER[:17]}0,202504,2500,150102",  # row 8
            f"{PERSON},{EMPLOYER},202505,2500.123,150102",  # row 9
            f"{OTHER},{EMPLOYER},202505,2500,150102",  # row 10: valid
        ),
    )
    assert batch.status == BatchStatus.DONE
    assert (batch.rows_total, batch.rows_failed, batch.rows_created) == (9, 7, 2)
    errors = {row: (column, message) for row, column, message in errors_of(batch)}
    assert errors[3] == ("身份证号", f"身份证号第18位校验码错误，应为{PERSON[17]}")
    assert errors[4][0] == "所属年月" and "202513" in errors[4][1] and "不是有效的年月" in errors[4][1]
    assert errors[5] == ("工资金额", "工资金额不能为负数（当前为 -1）")
    assert "被电子表格软件转换成了数字" in errors[6][1] and "文本格式" in errors[6][1]
    assert errors[7] == (
        "",
        "与第2行重复（身份证号、所属年月、发放单位统一社会信用代码相同），本行未导入，以第2行为准",
    )
    assert errors[8][0] == "发放单位统一社会信用代码" and "校验码错误" in errors[8][1]
    assert "最多保留两位小数" in errors[9][1]
    # The first of the duplicates is the one kept.
    assert WageMonth.objects.get(id_number=PERSON, month=202501).amount == Decimal("2500.00")
    assert WageMonth.objects.count() == 2


def test_rows_of_another_province_are_refused_for_a_partner(run_import, regions):
    partner = partner_token_issue(
        name="内蒙古人社厅", kind=PartnerKind.SOCIAL_INSURANCE, province_code="15"
    ).partner
    batch = run_import(
        "pension",
        csv_bytes(
            PENSION_HEADER, f"{PERSON},{EMPLOYER},202501,600,150102", f"{PERSON},{EMPLOYER},202502,600,360102"
        ),
        partner=partner,
    )
    assert (batch.rows_created, batch.rows_failed) == (1, 1)
    assert errors_of(batch) == [
        (3, "参保地行政区划代码", "参保地行政区划代码360102属于江西省，本合作方只能提交内蒙古自治区的数据")
    ]


def test_a_partner_cannot_create_a_batch_of_another_kind(regions):
    partner = partner_token_issue(
        name="内蒙古医保局", kind=PartnerKind.MEDICAL_INSURANCE, province_code="15"
    ).partner
    with pytest.raises(services.ApplicationError) as refused:
        services.import_batch_create(kind="pension", content=b"x", partner=partner, enqueue=False)
    assert refused.value.message == "合作方类型“医保（职工医保）”无权推送“职工养老保险缴费”数据"


def test_certificate_rows_check_the_number_against_the_id_number(run_import, upsert_path):
    header = "残疾证号,身份证号,证件类型,残疾类别,残疾等级,有效期起,有效期止,证件状态,发证地行政区划代码"
    batch = run_import(
        "certificate",
        csv_bytes(
            header,
            f"{PERSON}42,{PERSON},残疾人证,肢体残疾,二级,2020-03-01,2030-02-28,正常,150102",
            f"{OTHER}42,{PERSON},残疾人证,4,2,2020-03-01,,正常,150102",
            f"{PERSON}42,{PERSON},残疾人证,4,3,2010-03-01,2020-02-29,已换领,150102",
            f"军残字第000123号,{OTHER},残疾军人证,,9,2019-01-01,,,150203",
            f"{PERSON}42B1,{PERSON},残疾人证,4,2,2021-01-01,2020-01-01,正常,150102",
        ),
    )
    errors = {row: (column, message) for row, column, message in errors_of(batch)}
    assert errors[3] == ("残疾证号", "残疾人证号中的身份证号部分与持证人身份证号不一致")
    assert errors[4] == ("残疾等级", "残疾等级3与残疾证号第20位（2）不一致")
    assert errors[6] == ("有效期止", "有效期止2020-01-01早于有效期起2021-01-01")
    assert batch.rows_created == 2
    current = Certificate.objects.get(number=f"{PERSON}42")
    assert (current.kind, current.category, current.level, current.valid_until) == (
        "残疾人证",
        4,
        2,
        date(2030, 2, 28),
    )
    serviceman = Certificate.objects.get(id_number=OTHER)
    assert (serviceman.kind, serviceman.category, serviceman.level, serviceman.valid_until) == (
        "残疾军人证",
        None,
        9,
        None,
    )


def test_persons_get_sex_and_birth_date_from_the_id_number(run_import, upsert_path):
    batch = run_import("person", csv_bytes("姓名,身份证号,户籍地行政区划代码", f"张三,{PERSON},150102"))
    person = RegistryPerson.objects.get(id_number=PERSON)
    assert (batch.rows_created, person.name, person.sex, person.birth_date) == (
        1,
        "张三",
        "男",
        date(1980, 5, 1),
    )


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_gbk_and_bom_files_are_read(run_import, encoding):
    data = csv_bytes(
        "统一社会信用代码,单位名称,单位性质,登记地行政区划代码",
        f"{EMPLOYER},呼和浩特市青城电子科技有限公司,企业,150102",
        encoding=encoding,
    )
    batch = run_import("market_unit", data)
    assert batch.status == BatchStatus.DONE
    assert MarketUnit.objects.get(uscc=EMPLOYER).name == "呼和浩特市青城电子科技有限公司"


def test_an_ascii_head_followed_by_gbk_is_still_detected(run_import):
    # English headers and 3,000 ASCII rows (over 64 KiB) before the first GBK name.
    lines = [f"{make_uscc(f'91150102MA{i:07d}')},unit{i},enterprise,150102" for i in range(10, 3010)]
    last = make_uscc("91150102MA9999999")
    lines.append(f"{last},鄂尔多斯,企业,150102")
    batch = run_import("market_unit", csv_bytes("uscc,name,nature,region_code", *lines, encoding="gbk"))
    assert (batch.status, batch.rows_created, batch.rows_failed) == ("done", 3001, 0)
    assert MarketUnit.objects.get(uscc=last).name == "鄂尔多斯"


def _rejected(batch, fragment: str) -> None:
    assert batch.status == BatchStatus.REJECTED, batch.message
    assert fragment in batch.message, batch.message
    assert (WageMonth.objects.count(), PensionMonth.objects.count(), batch.rows_created) == (0, 0, 0)


def test_wrong_file_type_is_rejected_whole(run_import):
    _rejected(run_import("wage", b"%PDF-1.7\n%binary", name="wage.csv"), "文件类型不支持（检测到：PDF 文档）")
    _rejected(run_import("wage", b"\x89PNG\r\n\x1a\n\x00\x00"), "PNG 图片")


def test_undecodable_encoding_is_rejected_whole(run_import):
    utf16 = csv_bytes(WAGE_HEADER, f"{PERSON},{EMPLOYER},202501,2500,150102", encoding="utf-16")
    _rejected(run_import("wage", utf16), "UTF-16")
    garbage = WAGE_HEADER.encode() + b"\n" + bytes([0xFF, 0xFE, 0xFA, 0x80, 0x81]) * 10 + b"\n"
    _rejected(run_import("wage", garbage), "无法识别文件编码")


def test_a_file_that_switches_encoding_midway_writes_nothing(run_import):
    # UTF-8 for the first 2,000 rows (well past the 64 KiB the encoding is decided on), then a GBK row.
    good = [f"张三,{PERSON},{EMPLOYER},2025{1 + m % 12:02d},2500,150102" for m in range(2000)]
    data = csv_bytes("姓名备注," + WAGE_HEADER, *good) + "李四,x,y,z,w,v\n".encode("gbk")
    _rejected(run_import("wage", data), "第2002行的文字无法按UTF-8编码读取")


def test_missing_columns_are_named(run_import):
    batch = run_import("wage", csv_bytes("身份证号,所属年月", f"{PERSON},202501"))
    _rejected(batch, "缺少必填列：发放单位统一社会信用代码、工资金额、发放地行政区划代码")


def test_empty_file_and_header_only(run_import):
    with pytest.raises(services.ApplicationError, match="文件为空"):
        services.import_batch_create(kind="wage", content=b"  \n", enqueue=False)
    _rejected(run_import("wage", csv_bytes(WAGE_HEADER)), "没有数据行")


def test_too_many_rows_is_rejected_whole(run_import, settings):
    settings.REGISTRY_IMPORT_MAX_ROWS = 3
    lines = [f"{PERSON},{EMPLOYER},2025{m:02d},2500,150102" for m in range(1, 6)]
    _rejected(run_import("wage", csv_bytes(WAGE_HEADER, *lines)), "单个批次最多3行")


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_reads_ids_as_text_and_reports_numeric_ids(run_import, upsert_path):
    data = _xlsx(
        [
            WAGE_HEADER.split(","),
            [PERSON, EMPLOYER, 202501, 2500, "150102"],  # month and amount as numbers are fine
            [1.5263e17, EMPLOYER, "202502", 2500.5, "150102"],
            [OTHER, EMPLOYER, date(2025, 3, 1), "2500", 150102],
        ]
    )
    batch = run_import("wage", data, name="wage.xlsx")
    assert (batch.status, batch.file_format, batch.rows_created, batch.rows_failed) == ("done", "xlsx", 2, 1)
    assert errors_of(batch) == [
        (
            3,
            "身份证号",
            "身份证号被电子表格软件转换成了数字（1.5263E+17），后几位已丢失，请将该列设置为文本格式后重新导出",
        )
    ]
    assert WageMonth.objects.get(id_number=OTHER).month == 202503


def test_a_zip_that_is_not_a_workbook_is_rejected(run_import):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    _rejected(run_import("wage", buffer.getvalue()), "ZIP 压缩文件")


def test_json_lines_accept_english_and_chinese_keys(run_import, upsert_path):
    lines = [
        {
            "id_number": PERSON,
            "payer_uscc": EMPLOYER,
            "month": "202501",
            "amount": 2500,
            "region_code": "150102",
        },
        {
            "身份证号": OTHER,
            "发放单位统一社会信用代码": EMPLOYER,
            "所属年月": 202502,
            "工资金额": "2600.5",
            "发放地行政区划代码": "150102",
        },
        {
            "id_number": 150102198005010110,
            "payer_uscc": EMPLOYER,
            "month": "202501",
            "amount": 1,
            "region_code": "150102",
        },
    ]
    data = ("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n{not json}\n").encode()
    batch = run_import("wage", data, name="rows.jsonl")
    assert (batch.file_format, batch.rows_created, batch.rows_failed) == ("jsonl", 2, 2)
    errors = {row: message for row, _column, message in errors_of(batch)}
    assert errors[3] == "身份证号应为字符串（加引号），不能写成数字（当前为 150102198005010110）"
    assert errors[4] == "本行不是有效的 JSON 对象"


def test_a_crash_while_applying_leaves_nothing_written_and_the_batch_can_run_again(
    regions, upsert_path, monkeypatch
):
    data = csv_bytes(
        WAGE_HEADER, f"{PERSON},{EMPLOYER},202501,2500,150102", f"{PERSON},{EMPLOYER},202513,1,150102"
    )
    batch = services.import_batch_create(kind="wage", content=data, enqueue=False)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # The rows are written first, then the row reports: failing there proves the rows roll back with them.
    monkeypatch.setattr(ImportRowError.objects, "bulk_create", broken)
    failed = services.import_batch_run(batch_id=batch.pk)
    assert failed.status == BatchStatus.FAILED and "未写入任何数据" in failed.message
    assert WageMonth.objects.count() == 0 and ImportRowError.objects.count() == 0
    monkeypatch.undo()
    done = services.import_batch_run(batch_id=batch.pk)
    assert (done.status, done.rows_created, done.rows_failed, WageMonth.objects.count()) == ("done", 1, 1, 1)
    assert list(ImportBatchEvent.objects.filter(batch=batch).values_list("to_status", flat=True)) == [
        "received",
        "running",
        "failed",
        "running",
        "done",
    ]


def test_progress_is_reported_while_reading(run_import, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 5)
    seen: list[tuple[int, int, str]] = []
    lines = [f"{PERSON},{EMPLOYER},2025{m:02d},2500,150102" for m in range(1, 13)]
    lines[6] = f"{PERSON},{EMPLOYER},2025-99,2500,150102"
    batch = services.import_batch_create(kind="wage", content=csv_bytes(WAGE_HEADER, *lines), enqueue=False)
    services.import_batch_run(
        batch_id=batch.pk, on_progress=lambda b: seen.append((b.rows_done, b.rows_failed, b.status))
    )
    assert seen == [(5, 0, "running"), (10, 1, "running"), (12, 1, "done")]


def test_the_task_runs_after_commit_and_is_idempotent(regions, django_capture_on_commit_callbacks):
    from anbili.registry.tasks import import_batch_process

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = services.import_batch_create(
            kind="wage", content=csv_bytes(WAGE_HEADER, f"{PERSON},{EMPLOYER},202501,2500,150102")
        )
        assert WageMonth.objects.count() == 0  # nothing runs before the commit
    # The enqueue; then, from the run the immediate backend made, the import_batch_applied send, and from
    # the re-verification task it queued, the statistics refresh (anbili/stats).
    assert len(callbacks) == 3
    batch.refresh_from_db()
    assert (batch.status, WageMonth.objects.count()) == ("done", 1)
    # Running it again (a retried task) changes nothing.
    import_batch_process.enqueue(batch.pk)
    assert batch.events.count() == 3 and WageMonth.objects.count() == 1


def test_the_transition_table_refuses_moves_out_of_a_final_state(run_import):
    batch = run_import("wage", csv_bytes(WAGE_HEADER, f"{PERSON},{EMPLOYER},202501,2500,150102"))
    with pytest.raises(TransitionRefused, match="不能变为“处理中”"):
        import_batch_transition(batch_id=batch.pk, to=BatchStatus.RUNNING)
