"""The stored verdict text is joined from ready fragments; it must be exactly what json.dumps writes."""

import json

from hypothesis import given
from hypothesis import strategies as st

from anbili.core.month import Month
from anbili.placements.verification import checks_text
from anbili.rules.checks import CheckCode, CheckResult, MonthResult

verdicts = st.one_of(
    st.just(CheckResult(passed=True)),
    st.builds(CheckResult, passed=st.just(False), reason_code=st.text(), message=st.text()),
)
entries = st.lists(
    st.fixed_dictionaries(
        {"source": st.text(), "batch_id": st.none() | st.integers(), "payer_uscc": st.text()}
    ),
    max_size=3,
)


@given(st.lists(verdicts, min_size=7, max_size=7), st.lists(entries, min_size=7, max_size=7))
def test_checks_text_is_json_dumps_of_the_verdicts(results, sources):
    codes = list(CheckCode)
    result = MonthResult(month=Month(2025, 1), checks=dict(zip(codes, results, strict=True)))
    fragments = {
        code: ",".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in found)
        for code, found in zip(codes, sources, strict=True)
    }
    expected = {}
    for code, verdict, found in zip(codes, results, sources, strict=True):
        expected[code.value] = (
            {"passed": True, "sources": found}
            if verdict.passed
            else {
                "passed": False,
                "reason_code": verdict.reason_code,
                "message": verdict.message,
                "sources": found,
            }
        )
    text = checks_text(result, fragments)
    assert text == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(text) == expected
