"""The month store: the one writer of verification verdicts (PlacementMonth's verdict columns) and of the
fingerprint that says they are current (Placement.verdicts_digest).

Two implementations with one contract, behind `month_store()` (as `anbili.registry.upsert.stager_for`):
- PostgreSQL: a placement's months go in one `INSERT … VALUES … ON CONFLICT … DO UPDATE … WHERE (stored) IS
  DISTINCT FROM (new)`; a batch chunk's months are COPYed into a staging table and upserted with the same
  statement; the placements' stamps go in one `UPDATE … FROM unnest(…)`.
- Portable (any database; SQLite in development): the stored rows are read and compared in Python, then
  created and updated in bulk.
Both write only the months whose stored verdict differs, so a correction of one month writes one month, and
both set `PlacementMonth.regressed_at` when a confirmed month that had passed fails (once: an earlier time
is kept). The columns come from the model's fields, named as MonthVerdict's fields.

Nothing else writes a verdict: `placement_months_amend` stores an amended verdict (a claim lost to another
employer) and recomputes the digest from what is then stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from anbili.placements.models import MonthOutcomeChoice, Placement, PlacementMonth
from anbili.placements.verification.encoding import MonthVerdict, encode, verdicts_digest

_OPTS = PlacementMonth._meta


def _field(name: str) -> Field[Any, Any]:
    found = _OPTS.get_field(name)
    assert isinstance(found, Field), name
    return found


def _column(name: str) -> str:
    return str(_field(name).column)


VERDICT_FIELDS: tuple[str, ...] = MonthVerdict._fields  # month, checks, auto_passed, weight, certificate_…
_COLUMNS = [_column(name) for name in VERDICT_FIELDS]
_COMPARED = _COLUMNS[1:]  # the month is the key
_PLACEMENT = _column("placement")
# A month first stored is not selected; selection and outcome are never written by the verification.
_NEW_DEFAULTS = {name: _field(name).get_default() for name in ("selected", "outcome")}
# A month confirmed (by the system or a reviewer) that had passed the checks and now fails has regressed.
_CONFIRMED = (MonthOutcomeChoice.AUTO_CONFIRMED.value, MonthOutcomeChoice.CONFIRMED.value)

Row = tuple[int, MonthVerdict]  # (placement id, verdict)


def regressed(outcome: str, stored_passed: bool, verdict: MonthVerdict) -> bool:
    """Whether storing `verdict` over a month with this outcome and stored auto_passed is a regression."""
    return outcome in _CONFIRMED and stored_passed and not verdict.auto_passed


def holds(row: PlacementMonth, verdict: MonthVerdict) -> bool:
    """Whether the stored month already holds the verdict (compared as stored: the canonical bytes)."""
    return (
        row.auto_passed == verdict.auto_passed
        and row.weight == verdict.weight
        and row.certificate_type == verdict.certificate_type
        and row.certificate_level == verdict.certificate_level
        and encode(row.checks) == verdict.checks
    )


class MonthStore:
    """Writes verdicts; see the module docstring for the contract both implementations keep."""

    # Whether several processes may write months at once (the worker pool, verification/pool.py).
    takes_concurrent_writers = False

    def months_write(self, rows: Sequence[Row], now: datetime) -> int:
        """Store the verdicts of (placement id, verdict) rows, creating missing months and updating the
        months whose verdict differs; returns the number of months written."""
        raise NotImplementedError

    def placements_stamp(self, digests: Sequence[tuple[int, int]], now: datetime) -> None:
        """Stamp verified_at and the verdicts' digest on each (placement id, digest)."""
        raise NotImplementedError

    def _placement_write(
        self, placement_id: int, verdicts: Sequence[MonthVerdict], now: datetime
    ) -> dict[int, tuple[int, datetime | None]]:
        """Store one placement's verdicts (only those that differ are given); returns each written month's
        id and regressed_at."""
        raise NotImplementedError

    # --- shared by both implementations ------------------------------------------------------------------

    def placement_store(
        self,
        placement: Placement,
        verdicts: Sequence[MonthVerdict],
        *,
        now: datetime,
        also_save: Sequence[str] = (),
    ) -> list[PlacementMonth]:
        """Store one placement's fresh verdicts and its verification stamp (verified_at, the digest and the
        fields named in `also_save`); returns its months as now stored, without reading them back. A
        matching digest writes no month; otherwise only the months that differ are written."""
        digest = verdicts_digest(verdicts)
        stored = {row.month: row for row in PlacementMonth.objects.filter(placement=placement)}
        if digest != placement.verdicts_digest or sorted(stored) != [v.month for v in verdicts]:
            changed = [v for v in verdicts if v.month not in stored or not holds(stored[v.month], v)]
            written = self._placement_write(placement.pk, changed, now)
            for v in changed:
                if v.month not in written:  # stored meanwhile as it is now (the upsert's WHERE)
                    continue
                pk, regressed_at = written[v.month]
                row = stored.get(v.month)
                if row is None:
                    row = stored[v.month] = _new_row(pk, placement.pk, v)
                _assign(row, v)
                row.regressed_at = regressed_at
        placement.verified_at = now
        placement.verdicts_digest = digest
        # The stamp (and the step advance) is the system's verification result, not anyone's field edit: no
        # django-auditlog row, and no read-back of the old row on P2's path. Workflow moves have their events.
        with disable_auditlog():
            placement.save(update_fields=["verified_at", "verdicts_digest", "updated_at", *also_save])
        return [stored[month] for month in sorted(stored)]

    def placement_months_amend(self, placement: Placement, rows: Sequence[PlacementMonth]) -> int:
        """Store the verdict columns of `rows` (months of `placement` whose verdict was amended in memory) and
        recompute the placement's digest from all its stored months; returns the new digest."""
        now = timezone.now()
        verdicts = [_verdict_of(row) for row in rows]
        written = self._placement_write(placement.pk, verdicts, now)
        by_month = {row.month: row for row in rows}
        for month, (_, regressed_at) in written.items():
            by_month[month].regressed_at = regressed_at
        stored = PlacementMonth.objects.filter(placement=placement).order_by("month")
        digest = verdicts_digest(_verdict_of(row) for row in stored.only("month", *VERDICT_FIELDS))
        Placement.objects.filter(pk=placement.pk).update(verdicts_digest=digest)
        placement.verdicts_digest = digest
        return digest


def _verdict_of(row: PlacementMonth) -> MonthVerdict:
    return MonthVerdict(
        row.month,
        encode(row.checks),
        row.auto_passed,
        row.weight,
        row.certificate_type,
        row.certificate_level,
    )


def _new_row(pk: int, placement_id: int, verdict: MonthVerdict) -> PlacementMonth:
    """A month just inserted, as a model instance loaded from the database (Model.from_db takes the values
    in the order of the model's concrete fields)."""
    known: dict[str, Any] = {"id": pk, "placement_id": placement_id, **_fields_of(verdict), **_NEW_DEFAULTS}
    fields = _OPTS.concrete_fields
    names = [f.attname for f in fields]
    return PlacementMonth.from_db(connection.alias, names, [known.get(name) for name in names])


def _assign(row: PlacementMonth, verdict: MonthVerdict) -> None:
    row.checks = verdict.checks_dict
    row.auto_passed = verdict.auto_passed
    row.weight = verdict.weight
    row.certificate_type = verdict.certificate_type
    row.certificate_level = verdict.certificate_level


def month_store() -> MonthStore:
    """The fastest month store the database offers."""
    if connection.vendor == "postgresql":
        return PostgresMonthStore()
    return PortableMonthStore()


def placement_months_amend(placement: Placement, rows: Iterable[PlacementMonth]) -> int:
    """Store amended verdicts of some months of a placement (e.g. 无其他单位安置 failed after a lost
    claim) and recompute Placement.verdicts_digest from the stored months, so the digest never goes stale;
    the next re-verification rewrites the months if its verdicts differ. Returns the new digest."""
    return month_store().placement_months_amend(placement, list(rows))


# --- PostgreSQL ---------------------------------------------------------------------------------------


def _quoted(names: Iterable[str]) -> list[str]:
    return [connection.ops.quote_name(name) for name in names]


class PostgresMonthStore(MonthStore):
    """One upsert statement per write; only rows whose stored verdict differs are updated."""

    takes_concurrent_writers = True
    # Below this many months one INSERT … VALUES is cheaper than a staging table created in the transaction.
    COPY_FROM = 240
    STAGE = "placement_month_stage"

    def __init__(self) -> None:
        self.table = connection.ops.quote_name(_OPTS.db_table)
        self.columns = _quoted([_PLACEMENT, *_COLUMNS])
        self.defaults = _quoted(_NEW_DEFAULTS)
        regressed, outcome, passed = _quoted(map(_column, ("regressed_at", "outcome", "auto_passed")))
        compared = _quoted(_COMPARED)
        key = ", ".join(_quoted([_PLACEMENT, _COLUMNS[0]]))
        # Parameters: the two confirmed outcomes and the time, then (for VALUES) the rows.
        self.conflict = (
            f"ON CONFLICT ({key}) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in compared)
            + f", {regressed} = CASE WHEN t.{regressed} IS NULL AND t.{outcome} IN (%s, %s) AND t.{passed} "
            f"AND NOT EXCLUDED.{passed} THEN %s::timestamptz ELSE t.{regressed} END "
            f"WHERE ({', '.join(f't.{c}' for c in compared)}) IS DISTINCT FROM "
            f"({', '.join(f'EXCLUDED.{c}' for c in compared)})"
        )
        self.insert = f"INSERT INTO {self.table} AS t ({', '.join(self.columns + self.defaults)}) "
        self.returning = f" RETURNING {self.columns[1]}, id, {regressed}"

    def _values(self, rows: Sequence[Row], now: datetime, returning: bool) -> Any:
        row_sql = "(" + ", ".join(["%s", "%s", "%s::jsonb", *["%s"] * (len(_COLUMNS) - 2), "%s", "%s"]) + ")"
        params: list[Any] = []
        for pid, v in rows:
            params += [pid, v.month, v.checks.decode(), *v[2:], *_NEW_DEFAULTS.values()]
        sql = self.insert + "VALUES " + ", ".join([row_sql] * len(rows)) + " " + self.conflict
        with connection.cursor() as cursor:
            cursor.execute(sql + (self.returning if returning else ""), [*params, *_CONFIRMED, now])
            return cursor.fetchall() if returning else cursor.rowcount

    def _placement_write(
        self, placement_id: int, verdicts: Sequence[MonthVerdict], now: datetime
    ) -> dict[int, tuple[int, datetime | None]]:
        if not verdicts:
            return {}
        found = self._values([(placement_id, v) for v in verdicts], now, returning=True)
        return {month: (pk, regressed_at) for month, pk, regressed_at in found}

    def months_write(self, rows: Sequence[Row], now: datetime) -> int:
        if not rows:
            return 0
        if len(rows) <= self.COPY_FROM:
            return int(self._values(rows, now, returning=False))
        columns = ", ".join(self.columns)
        # The staging table lives until commit: open a transaction if the caller has none (no savepoint).
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {self.STAGE} ON COMMIT DROP AS "
                f"SELECT {columns} FROM {self.table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {self.STAGE} ({columns}) FROM STDIN") as copy:
                for pid, v in rows:
                    copy.write_row((pid, v.month, v.checks.decode(), *v[2:]))
            defaults = ", ".join(["%s"] * len(_NEW_DEFAULTS))
            cursor.execute(
                f"{self.insert}SELECT {columns}, {defaults} FROM {self.STAGE} {self.conflict}",
                [*_NEW_DEFAULTS.values(), *_CONFIRMED, now],
            )
            written = cursor.rowcount
            cursor.execute(f"TRUNCATE {self.STAGE}")
        return int(written)

    def placements_stamp(self, digests: Sequence[tuple[int, int]], now: datetime) -> None:
        if not digests:
            return
        table = connection.ops.quote_name(Placement._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS p SET verified_at = %s, verdicts_digest = s.digest "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS s(id, digest) WHERE p.id = s.id",
                [now, [pk for pk, _ in digests], [digest for _, digest in digests]],
            )


# --- Portable (ORM) -----------------------------------------------------------------------------------


class PortableMonthStore(MonthStore):
    """The stored months read and compared in Python, then created and updated in bulk."""

    CHUNK = 500

    def _write(self, rows: Sequence[Row], now: datetime) -> list[PlacementMonth]:
        """Create and update what differs; returns the months written (ids set)."""
        if not rows:
            return []
        stored = {
            (row.placement_id, row.month): row
            for row in PlacementMonth.objects.filter(placement_id__in={pid for pid, _ in rows})
        }
        to_create: list[PlacementMonth] = []
        to_update: list[PlacementMonth] = []
        for pid, v in rows:
            row = stored.get((pid, v.month))
            if row is None:
                to_create.append(PlacementMonth(placement_id=pid, **_NEW_DEFAULTS, **_fields_of(v)))
                continue
            if holds(row, v):
                continue
            if row.regressed_at is None and regressed(row.outcome, row.auto_passed, v):
                row.regressed_at = now
            _assign(row, v)
            to_update.append(row)
        PlacementMonth.objects.bulk_create(to_create, batch_size=self.CHUNK)
        PlacementMonth.objects.bulk_update(
            to_update, [*VERDICT_FIELDS[1:], "regressed_at"], batch_size=self.CHUNK
        )
        return to_create + to_update

    def months_write(self, rows: Sequence[Row], now: datetime) -> int:
        return len(self._write(rows, now))

    def _placement_write(
        self, placement_id: int, verdicts: Sequence[MonthVerdict], now: datetime
    ) -> dict[int, tuple[int, datetime | None]]:
        written = self._write([(placement_id, v) for v in verdicts], now)
        return {row.month: (row.pk, row.regressed_at) for row in written}

    def placements_stamp(self, digests: Sequence[tuple[int, int]], now: datetime) -> None:
        Placement.objects.bulk_update(
            [Placement(pk=pk, verified_at=now, verdicts_digest=digest) for pk, digest in digests],
            ["verified_at", "verdicts_digest"],
            batch_size=self.CHUNK,
        )


def _fields_of(verdict: MonthVerdict) -> dict[str, Any]:
    values: dict[str, Any] = dict(zip(VERDICT_FIELDS, verdict, strict=True))
    values["checks"] = verdict.checks_dict
    return values
