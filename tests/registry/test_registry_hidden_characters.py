"""Partner files (the API's and the command's path): a name carrying an invisible character (zero-width
space, bidi control) is refused with its place, never stored; full-width ID numbers are read as core reads
them."""

from datetime import date

from anbili.core.identifiers import make_id_number
from anbili.registry.models import ImportRowError, RegistryPerson

PERSON = make_id_number("150102", date(1980, 5, 1), 11)
HEADER = "姓名,身份证号,户籍地行政区划代码"


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def test_a_name_with_an_invisible_character_is_refused_with_its_place(run_import):
    batch = run_import("person", _csv(f"张\u200b三,{PERSON},150102"))
    assert (batch.rows_created, batch.rows_failed) == (0, 1)
    message = ImportRowError.objects.get(batch=batch).message
    assert message == "姓名含有控制字符或不可见字符（第2个字符），请检查文件"
    assert not RegistryPerson.objects.exists()


def test_a_full_width_id_number_is_the_same_person(run_import):
    full_width = PERSON.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    batch = run_import("person", _csv(f"张三,{full_width},150102"))
    assert batch.rows_created == 1
    assert RegistryPerson.objects.get().id_number == PERSON
