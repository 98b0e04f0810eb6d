"""The Month value type."""

from datetime import date

import pytest

from anbili.core.month import Month, months_of_year


def test_parse_and_print() -> None:
    month = Month.from_yyyymm("202101")
    assert month == Month(2021, 1)
    assert str(month) == "202101"
    assert str(Month(2021, 12)) == "202112"


@pytest.mark.parametrize("value", ["2021", "20211", "202113", "202100", "2021-01", "abcdef", "２０２１０１"])
def test_parse_refuses_bad_text(value: str) -> None:
    with pytest.raises(ValueError):
        Month.from_yyyymm(value)


@pytest.mark.parametrize(("year", "month"), [(2021, 0), (2021, 13), (0, 1)])
def test_refuses_impossible_months(year: int, month: int) -> None:
    with pytest.raises(ValueError):
        Month(year, month)


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [
        (Month(2021, 1), date(2021, 1, 1), date(2021, 1, 31)),
        (Month(2020, 2), date(2020, 2, 1), date(2020, 2, 29)),
        (Month(2021, 2), date(2021, 2, 1), date(2021, 2, 28)),
        (Month(2021, 4), date(2021, 4, 1), date(2021, 4, 30)),
    ],
)
def test_first_and_last_day(month: Month, first: date, last: date) -> None:
    assert (month.first_day, month.last_day) == (first, last)


def test_next_previous_and_add_cross_years() -> None:
    assert Month(2021, 12).next() == Month(2022, 1)
    assert Month(2021, 1).previous() == Month(2020, 12)
    assert Month(2021, 5).add(20) == Month(2023, 1)
    assert Month(2021, 5).add(-17) == Month(2019, 12)
    assert Month(2023, 1).months_since(Month(2021, 5)) == 20


def test_ordering_and_hashing() -> None:
    assert Month(2020, 12) < Month(2021, 1) < Month(2021, 2)
    assert max(Month(2021, 3), Month(2020, 11)) == Month(2021, 3)
    assert len({Month(2021, 1), Month.from_yyyymm("202101"), Month.from_date(date(2021, 1, 31))}) == 1


def test_immutable() -> None:
    month = Month(2021, 1)
    with pytest.raises(AttributeError):
        month.year = 2022  # type: ignore[misc]


def test_months_of_year() -> None:
    months = months_of_year(2021)
    assert len(months) == 12
    assert months[0] == Month(2021, 1)
    assert months[-1] == Month(2021, 12)
    assert ",".join(map(str, months)).startswith("202101,202102,")


@pytest.mark.parametrize(
    ("start", "end", "overlaps"),
    [
        (None, None, True),
        (date(2021, 3, 31), None, True),
        (date(2021, 4, 1), None, False),
        (None, date(2021, 3, 1), True),
        (None, date(2021, 2, 28), False),
        (date(2020, 1, 1), date(2022, 1, 1), True),
    ],
)
def test_overlaps(start: date | None, end: date | None, overlaps: bool) -> None:
    assert Month(2021, 3).overlaps(start, end) is overlaps


def test_contains() -> None:
    assert Month(2021, 3).contains(date(2021, 3, 15))
    assert not Month(2021, 3).contains(date(2022, 3, 15))
