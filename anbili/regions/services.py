"""Writes for regions: loading the GB/T 2260 divisions and the seeded policy tables from data/."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from anbili.regions.models import (
    DeclarationWindow,
    LevyPeriod,
    MinimumWage,
    PolicyRow,
    QuotaRatio,
    Region,
    RegionLevel,
    RetirementSetting,
    RewardRule,
    SocialAverageWage,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "regions.csv"
POLICY_JSON = DATA_DIR / "policy.json"
# The levy and the certification are mainland institutions: 台湾 71, 香港 81, 澳门 82 get no policy rows.
FIRST_NON_MAINLAND_PREFIX = 71


@dataclass
class SeedReport:
    """What one seed run did, per table: rows created, rows updated, and rows that differ but were kept."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept_different: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether the run wrote anything."""
        return any(self.created.values()) or any(self.updated.values())

    def lines(self) -> list[str]:
        """One human-readable line per table."""
        return [
            f"{table}: 新增 {self.created.get(table, 0)}，更新 {self.updated.get(table, 0)}，"
            f"与种子不同但保留 {self.kept_different.get(table, 0)}"
            for table in self.created
        ]


@dataclass(frozen=True)
class _TableSeed:
    model: type[models.Model]
    key: tuple[str, ...]
    rows: list[dict[str, Any]]


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _province_code(prefix: str) -> str:
    return f"{prefix}0000"


def _read_regions() -> list[dict[str, Any]]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [
            {
                "code": raw["code"],
                "name": raw["name"],
                "level": int(raw["level"]),
                "parent_id": raw["parent"] or None,
                "wage_tier": int(raw["wage_tier"]) if raw["wage_tier"] else None,
            }
            for raw in csv.DictReader(handle)
        ]
    # Parents before children, so that every foreign key points at a row that exists.
    rows.sort(key=lambda row: (row["level"], row["code"]))
    return rows


def _mainland_prefixes(regions: Iterable[dict[str, Any]]) -> list[str]:
    return sorted(
        row["code"][:2]
        for row in regions
        if row["level"] == RegionLevel.PROVINCE and int(row["code"][:2]) < FIRST_NON_MAINLAND_PREFIX
    )


def _per_province_per_year(spec: dict[str, Any], prefixes: list[str], build: Any) -> list[dict[str, Any]]:
    first, last = spec["years"]
    rows = []
    for prefix in prefixes:
        values = spec["provinces"].get(prefix, spec["default"])
        for year in range(first, last + 1):
            rows.append(build(prefix, year, values))
    return rows


def _policy_seeds(policy: dict[str, Any], prefixes: list[str]) -> list[_TableSeed]:
    quota = _per_province_per_year(
        policy["quota_ratio"],
        prefixes,
        lambda prefix, year, v: {
            "province_id": _province_code(prefix),
            "year": year,
            "ratio": Decimal(v["ratio"]),
            "source_document": v["source_document"],
        },
    )
    windows = _per_province_per_year(
        policy["declaration_window"],
        prefixes,
        lambda prefix, year, v: {
            "province_id": _province_code(prefix),
            "year": year,
            "opens": _day(f"{year}-{v['opens']}"),
            "closes": _day(f"{year}-{v['closes']}"),
            "source_document": v["source_document"],
        },
    )
    wages = [
        {
            "province_id": _province_code(entry["province"]),
            "tier": int(tier),
            "effective_from": _day(entry["effective_from"]),
            "amount": Decimal(amount),
            "source_document": entry["source_document"],
        }
        for entry in policy["minimum_wage"]
        for tier, amount in entry["amounts"].items()
    ]
    social = [
        {
            "region_id": entry["region"],
            "year": entry["year"],
            "amount": Decimal(entry["amount"]),
            "source_document": entry["source_document"],
        }
        for entry in policy["social_average_wage"]
    ]
    levy = [
        {
            "kind": entry["kind"],
            "province_id": _province_code(entry["province"]) if entry.get("province") else None,
            "valid_from": _day(entry["valid_from"]),
            "valid_to": _day(entry["valid_to"]),
            "staged_threshold": Decimal(entry["staged_threshold"]) if "staged_threshold" in entry else None,
            "factor_at_or_above": Decimal(entry["factor_at_or_above"])
            if "factor_at_or_above" in entry
            else None,
            "factor_below": Decimal(entry["factor_below"]) if "factor_below" in entry else None,
            "max_headcount": entry.get("max_headcount"),
            "exempt_nature": entry.get("exempt_nature", ""),
            "source_document": entry["source_document"],
        }
        for entry in policy["levy_period"]
    ]
    rewards = [
        {
            "province_id": _province_code(entry["province"]),
            "effective_from": _day(entry["effective_from"]),
            "multiplier": Decimal(entry["multiplier"]) if "multiplier" in entry else None,
            "per_person_amount": Decimal(entry["per_person_amount"])
            if "per_person_amount" in entry
            else None,
            "whole_persons": entry["whole_persons"],
            "severe_weight": entry["severe_weight"],
            "min_whole_excess": Decimal(entry["min_whole_excess"]),
            "cap": Decimal(entry["cap"]) if "cap" in entry else None,
            "max_years": entry.get("max_years"),
            "application_deadline": entry["application_deadline"],
            "source_document": entry["source_document"],
        }
        for entry in policy["reward_rule"]
    ]
    retirement_spec = policy["retirement_setting"]
    retirement = []
    for prefix in prefixes:
        values = retirement_spec["provinces"].get(prefix, retirement_spec["default"])
        retirement.append(
            {
                "province_id": _province_code(prefix),
                "effective_from": _day(values["effective_from"]),
                "female_base_age": values["female_base_age"],
                "source_document": values["source_document"],
            }
        )
    return [
        _TableSeed(QuotaRatio, ("province_id", "year"), quota),
        _TableSeed(MinimumWage, ("province_id", "tier", "effective_from"), wages),
        _TableSeed(SocialAverageWage, ("region_id", "year"), social),
        _TableSeed(DeclarationWindow, ("province_id", "year"), windows),
        _TableSeed(LevyPeriod, ("kind", "province_id", "valid_from"), levy),
        _TableSeed(RewardRule, ("province_id", "effective_from"), rewards),
        _TableSeed(RetirementSetting, ("province_id", "effective_from"), retirement),
    ]


def _sync(seed: _TableSeed, *, overwrite: bool, report: SeedReport) -> None:
    """Create the missing rows of one table; update differing ones only when asked to."""
    name = seed.model._meta.model_name or seed.model.__name__
    existing = {
        tuple(getattr(obj, attr) for attr in seed.key): obj for obj in seed.model._default_manager.all()
    }
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    update_fields: set[str] = set()
    different = 0
    now = timezone.now()
    for row in seed.rows:
        obj = existing.get(tuple(row[attr] for attr in seed.key))
        if obj is None:
            to_create.append(seed.model(**row))
            continue
        changed = [attr for attr, value in row.items() if getattr(obj, attr) != value]
        if not changed:
            continue
        if overwrite:
            for attr in changed:
                setattr(obj, attr, row[attr])
            update_fields.update(changed)
            if isinstance(obj, PolicyRow):
                # A value put back from the seed has not been checked, whatever the admin had confirmed.
                obj.confirmed = False
                obj.updated_at = now
                update_fields.update({"confirmed", "updated_at"})
            to_update.append(obj)
        else:
            different += 1
    # Rows keep the order of seed.rows: regions come sorted parents first (see _read_regions).
    seed.model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        # bulk_update wants field names; `*_id` attnames map onto their foreign keys.
        names = sorted(attr.removesuffix("_id") if attr.endswith("_id") else attr for attr in update_fields)
        seed.model._default_manager.bulk_update(to_update, names, batch_size=500)
    report.created[name] = len(to_create)
    report.updated[name] = len(to_update)
    report.kept_different[name] = different


@transaction.atomic
def regions_seed(*, overwrite: bool = False) -> SeedReport:
    """Load the divisions and the seeded policy rows; idempotent, and keeps admin edits unless `overwrite`."""
    report = SeedReport()
    region_rows = _read_regions()
    _sync(_TableSeed(Region, ("code",), region_rows), overwrite=overwrite, report=report)
    policy = json.loads(POLICY_JSON.read_text(encoding="utf-8"))
    for seed in _policy_seeds(policy, _mainland_prefixes(region_rows)):
        _sync(seed, overwrite=overwrite, report=report)
    return report
