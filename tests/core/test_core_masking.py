"""Masking of identifiers and names in lists, exports and logs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anbili.core.masking import mask, mask_name


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("91350100M000100Y43", "913501********0Y43"),
        ("11010519491231002X43B1", "110105************43B1"),
        ("11010519491231002X43", "110105**********2X43"),
        ("13800138000", "138******00"),  # 11 chars: first 3, last 2
        ("1234567890", "123*****90"),
        ("1234", "1**4"),
        ("123", "1**"),
        ("12", "**"),
        ("1", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask(value: str | None, masked: str) -> None:
    assert mask(value) == masked


@given(st.text(alphabet="0123456789X", min_size=1, max_size=40))
def test_mask_keeps_length_and_hides_at_least_a_third(value: str) -> None:
    masked = mask(value)
    assert len(masked) == len(value)
    assert masked.count("*") >= len(value) / 3
    if len(value) >= 18:
        assert masked[:6] == value[:6]
        assert masked[-4:] == value[-4:]
        assert masked[6:-4] == "*" * (len(value) - 10)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("施嵘", "*嵘"),
        ("景晓东", "景*东"),
        ("欧阳晓东", "欧**东"),
        ("张", "*"),
        (" 施嵘 ", "*嵘"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(name: str | None, masked: str) -> None:
    assert mask_name(name) == masked
