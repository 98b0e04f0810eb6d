"""The password rules (settings.AUTH_PASSWORD_VALIDATORS), worded in Chinese for the account pages.

Django's own validators, translated, read "密码长度太短。密码必须包含至少 8 个字符。" and
"密码跟 username 太相似了。": two sentences each, ending in "。", an English attribute name, and no advice.
These subclasses keep Django's checks and say what to change in one clause each, so that several refusals
join cleanly at the password field.
`UserAttributeSimilarityValidator` also refuses a password that contains the account name (or is contained
in it): "zhangsan2025" for the account "zhangsan" passes Django's ratio but is just as easy to guess.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

# The user attributes compared, with the words the pages use for them.
ATTRIBUTE_LABELS = {"username": "账号", "full_name": "姓名", "id_number": "身份证号", "phone": "手机号"}
# Shorter values (a two-character name) are compared by Django's ratio only.
MIN_CONTAINED = 4


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码至少需要 {self.min_length} 位，当前为 {len(password)} 位",
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 位"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        if password.isdigit():
            raise ValidationError("密码不能全是数字，请加入字母或符号", code="password_entirely_numeric")

    def get_help_text(self) -> str:
        return "不能全是数字"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "该密码过于常见，容易被猜中，请换一个", code="password_too_common"
            ) from None

    def get_help_text(self) -> str:
        return "不能是常见密码"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """A password equal to, containing, contained in or much like the account name (or name, ID number,
    phone) is refused."""

    DEFAULT_USER_ATTRIBUTES = tuple(ATTRIBUTE_LABELS)

    def __init__(self, user_attributes: Any = None, max_similarity: float = 0.7) -> None:
        # Django binds its own default (username, first_name, last_name, email) in its signature.
        super().__init__(user_attributes or self.DEFAULT_USER_ATTRIBUTES, max_similarity)

    def validate(self, password: str, user: Any = None) -> None:
        if not user:
            return
        folded = _fold(password)
        for attribute in self.user_attributes:
            value = getattr(user, attribute, None)
            if not value or not isinstance(value, str):
                continue
            label = ATTRIBUTE_LABELS.get(attribute, attribute)
            plain = _fold(value)
            contained = (len(plain) >= MIN_CONTAINED and plain in folded) or (
                len(folded) >= MIN_CONTAINED and folded in plain
            )
            if folded == plain or contained or self._similar(password, user, attribute):
                raise ValidationError(f"密码不能与{label}相同或相近，请换一个", code="password_too_similar")

    def _similar(self, password: str, user: Any, attribute: str) -> bool:
        """Django's own ratio test, on one attribute."""
        single = password_validation.UserAttributeSimilarityValidator(
            user_attributes=(attribute,), max_similarity=self.max_similarity
        )
        try:
            single.validate(password, user)
        except ValidationError:
            return True
        return False

    def get_help_text(self) -> str:
        return "不能与账号、姓名等个人信息相同或相近"
