"""Verification of placements in layers, each readable alone:

- `engine`: a person's year of facts → one MonthVerdict per month through `anbili.rules.checks.check_month`;
  no database access.
- `encoding`: the one encoding of a verdict (orjson, sorted keys) and the digest over the same bytes.
- `loaders`: the facts of one placement and of a chunk of placements (a fixed number of queries).
- `store`: the one writer of verdicts and of Placement.verdicts_digest (PostgreSQL and portable).
- `verify`: the two paths, loader → engine → store (`verify_one`, `verify_batch`).
- `pool`: batch re-verification of a business year in worker processes (`placements_verify_batch`).

The names below are loaded on first use (PEP 562): a spawned batch worker imports `pool` before Django is
set up, which must not import the models through this package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from anbili.placements.verification.encoding import (
        SOURCE_LABELS,
        MonthVerdict,
        SourceEntries,
        checks_text,
        verdicts_digest,
    )
    from anbili.placements.verification.engine import PolicyInputs, month_verdicts, yyyymm
    from anbili.placements.verification.loaders import (
        BatchContext,
        BatchLoader,
        BatchPlacement,
        BatchResult,
        claims_elsewhere,
        contract_fact,
        filed_companies,
        policy_inputs,
        policy_key,
    )
    from anbili.placements.verification.pool import placements_verify_batch, worker_start
    from anbili.placements.verification.store import month_store, placement_months_amend
    from anbili.placements.verification.verify import verify_batch, verify_one

_HOMES = {
    "encoding": ("SOURCE_LABELS", "MonthVerdict", "SourceEntries", "checks_text", "verdicts_digest"),
    "engine": ("PolicyInputs", "month_verdicts", "yyyymm"),
    "loaders": (
        "BatchContext",
        "BatchLoader",
        "BatchPlacement",
        "BatchResult",
        "claims_elsewhere",
        "contract_fact",
        "filed_companies",
        "policy_inputs",
        "policy_key",
    ),
    "pool": ("placements_verify_batch", "worker_start"),
    "store": ("month_store", "placement_months_amend"),
    "verify": ("verify_batch", "verify_one"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "SOURCE_LABELS",
    "BatchContext",
    "BatchLoader",
    "BatchPlacement",
    "BatchResult",
    "MonthVerdict",
    "PolicyInputs",
    "SourceEntries",
    "checks_text",
    "claims_elsewhere",
    "contract_fact",
    "filed_companies",
    "month_store",
    "month_verdicts",
    "placement_months_amend",
    "placements_verify_batch",
    "policy_inputs",
    "policy_key",
    "verdicts_digest",
    "verify_batch",
    "verify_one",
    "worker_start",
    "yyyymm",
]


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
