"""The one encoding of a month's stored verdicts: orjson with sorted keys.

The JSON text written to `PlacementMonth.checks` and the bytes `verdicts_digest` fingerprints are the same
bytes, produced by one library encoder (no hand-built JSON). Sorted keys make the text canonical: a stored
verdict read back and encoded again gives the same bytes, so `stored_digest` can fingerprint stored months
(after an amendment) exactly as the engine fingerprints fresh ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from hashlib import blake2b
from typing import Any, NamedTuple

import orjson

from anbili.registry.selectors import FactSource, Payment
from anbili.rules.checks import CheckCode, CheckResult

SOURCE_LABELS = {
    "disability_registry": "残疾人人口基础库",
    "social_insurance": "人社（职工养老保险）",
    "medical_insurance": "医保（职工医保）",
    "wage": "工资发放数据",
    "dispatch_filing": "劳务派遣备案（人社）",
    "employer": "用人单位填报",
    "id_number": "身份证号",
    "placements": "安置登记",
}

_OPTIONS = orjson.OPT_SORT_KEYS


def encode(value: Any) -> bytes:
    """`value` as stored: orjson, keys sorted."""
    return orjson.dumps(value, option=_OPTIONS)


class MonthVerdict(NamedTuple):
    """What verification stores for one month; the field names are PlacementMonth's (the store maps them to
    columns through the model's fields)."""

    month: int  # YYYYMM
    checks: (
        bytes  # the verdicts as stored: encode() of {code: {"passed", "sources"[, "reason_code", "message"]}}
    )
    auto_passed: bool
    weight: int
    certificate_type: str
    certificate_level: int | None

    @property
    def checks_dict(self) -> dict[str, Any]:
        """The verdicts as PlacementMonth.checks holds them."""
        return orjson.loads(self.checks)  # type: ignore[no-any-return]


Entry = Mapping[str, Any]


class SourceEntries:
    """The provenance entries stored with each verdict ({"source", "batch_id", "received_at"[, detail]}), one
    shared dict per distinct (fact source, detail): a batch of thousands of months has only a handful of
    import batches behind it. Labels are looked up when shown, not stored."""

    def __init__(self) -> None:
        self._cache: dict[tuple[FactSource | None, str, str, str], Entry] = {}

    def entry(
        self, provenance: FactSource | None, source: str = "", *, key: str = "", value: str = ""
    ) -> Entry:
        """The entry of a fact source (or of `source` when the fact has no stored provenance)."""
        cache_key = (provenance, source, key, value)
        found = self._cache.get(cache_key)
        if found is None:
            entry: dict[str, Any]
            if provenance is None:
                entry = {"source": source, "received_at": None}
            else:
                entry = {
                    "source": provenance.source,
                    "batch_id": provenance.batch_id,
                    "received_at": provenance.received_at.isoformat(),
                }
            if key:
                entry[key] = value
            found = self._cache[cache_key] = entry
        return found

    def payment(self, payment: Payment) -> Entry:
        """The entry of a payment row: its source and payer."""
        return self.entry(payment.provenance, key="payer_uscc", value=payment.payer_uscc)


def verdicts_value(
    results: Mapping[CheckCode, CheckResult], sources: Mapping[CheckCode, Sequence[Entry]]
) -> dict:
    """The stored structure of a month's verdicts; a passed check stores no empty reason."""
    value: dict[str, dict[str, Any]] = {}
    for code, verdict in results.items():
        if verdict.passed:
            value[code.value] = {"passed": True, "sources": sources[code]}
        else:
            value[code.value] = {
                "passed": False,
                "reason_code": verdict.reason_code,
                "message": verdict.message,
                "sources": sources[code],
            }
    return value


def checks_text(
    results: Mapping[CheckCode, CheckResult], sources: Mapping[CheckCode, Sequence[Entry]]
) -> bytes:
    """The stored JSON of a month's verdicts (encode() of verdicts_value)."""
    return orjson.dumps(verdicts_value(results, sources), option=_OPTIONS)


def verdicts_digest(verdicts: Iterable[MonthVerdict]) -> int:
    """A signed 64-bit fingerprint of a placement's stored verdicts (Placement.verdicts_digest), over the
    same bytes as stored: the distinct verdict texts in order of first use, then each month's text number
    and other columns (a person's months mostly share one text)."""
    rows = list(verdicts)
    number: dict[bytes, int] = {}
    for v in rows:
        number.setdefault(v.checks, len(number))
    digest = blake2b(b"\n".join(number), digest_size=8)
    digest.update(
        repr(
            [
                (v.month, number[v.checks], v.auto_passed, v.weight, v.certificate_type, v.certificate_level)
                for v in rows
            ]
        ).encode()
    )
    return int.from_bytes(digest.digest(), "big", signed=True)
