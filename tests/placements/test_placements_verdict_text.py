"""The stored verdict text comes from one library encoder (orjson, sorted keys): it is the JSON of the
verdicts, the digest is taken over the same bytes, and a stored verdict read back encodes to the same
bytes (so the digest of stored months equals the engine's)."""

import json

import orjson
from hypothesis import given
from hypothesis import strategies as st

from anbili.placements.verification.encoding import MonthVerdict, checks_text, encode, verdicts_digest
from anbili.rules.checks import CheckCode, CheckResult

verdicts = st.one_of(
    st.just(CheckResult(passed=True)),
    st.builds(CheckResult, passed=st.just(False), reason_code=st.text(), message=st.text()),
)
entries = st.lists(
    st.fixed_dictionaries(
        {"source": st.text(), "batch_id": st.none() | st.integers(-(2**62), 2**62), "payer_uscc": st.text()}
    ),
    max_size=3,
)


def _expected(codes, results, sources):
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
    return expected


@given(st.lists(verdicts, min_size=7, max_size=7), st.lists(entries, min_size=7, max_size=7))
def test_checks_text_is_orjson_of_the_verdicts_with_sorted_keys(results, sources):
    codes = list(CheckCode)
    text = checks_text(dict(zip(codes, results, strict=True)), dict(zip(codes, sources, strict=True)))
    expected = _expected(codes, results, sources)
    assert text == orjson.dumps(expected, option=orjson.OPT_SORT_KEYS)
    assert json.loads(text) == expected
    # Read back (as the JSON column gives it) and encoded again: the same bytes.
    assert encode(json.loads(text)) == text


def test_a_passed_check_stores_no_empty_reason():
    text = checks_text({CheckCode.WAGE: CheckResult(passed=True)}, {CheckCode.WAGE: []})
    assert text == b'{"wage":{"passed":true,"sources":[]}}'


def _verdict(month, checks, passed=True):
    return MonthVerdict(month, encode(checks), passed, 1, "残疾人证", 3)


def test_the_digest_changes_with_any_stored_column_and_not_with_key_order():
    months = [_verdict(202500 + m, {"wage": {"passed": True, "sources": []}}) for m in range(1, 13)]
    digest = verdicts_digest(months)
    assert verdicts_digest(list(months)) == digest
    reordered = {"wage": {"sources": [], "passed": True}}
    assert verdicts_digest([*months[:-1], _verdict(202512, reordered)]) == digest
    for changed in (
        months[-1]._replace(auto_passed=False),
        months[-1]._replace(weight=2),
        months[-1]._replace(certificate_type=""),
        months[-1]._replace(certificate_level=None),
        _verdict(202512, {"wage": {"passed": False, "sources": []}}),
    ):
        assert verdicts_digest([*months[:-1], changed]) != digest
    assert -(2**63) <= digest < 2**63
