"""A text captcha (an addition question) that a screen reader can read aloud, unlike a distorted image."""

import secrets

from django.http import HttpRequest

SESSION_KEY = "login_captcha_answer"
CHINESE_DIGITS = "零一二三四五六七八九十"


def captcha_new(request: HttpRequest) -> str:
    """Store a fresh question's answer in the session and return the question text."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    request.session[SESSION_KEY] = str(a + b)
    return f"请计算：{a} 加 {b} 等于多少？（请填写阿拉伯数字）"


def captcha_check(request: HttpRequest, answer: str) -> bool:
    """True when the answer matches; a question can be answered once only."""
    expected = request.session.pop(SESSION_KEY, None)
    return expected is not None and answer.strip() == expected
