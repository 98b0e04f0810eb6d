"""Writing checked rows into a mirror table by natural key: insert new keys, update changed values, leave
identical rows alone (so importing the same file twice changes nothing, provenance included).

Two paths with the same contract:
- PostgreSQL: rows are COPYed into a temporary staging table while the file is read, then applied with an
  UPDATE of the changed rows and an INSERT of the new keys (`WHERE NOT EXISTS`), under a table lock.
- Any other database (SQLite in development and tests): rows are kept in memory and applied with the ORM,
  comparing each chunk with what is stored.
`stage()` runs outside the batch's transaction (so progress can be committed); `apply()` must run inside it.

A stager scoped to a province (`province_prefix`, a partner's batch or `import_registry --province`) also
refuses each staged row whose key matches a stored row of another province (`KindSpec.owner_field`): the
stored row decides, not the pushed one. The check is set-based, one statement per batch on PostgreSQL (under
the table lock, so no other batch can slip a row in between) and the chunk's existing read on the portable
path; `UpsertCounts.refused` names the refused rows by their row numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from anbili.registry.signals import ANY_YEAR
from anbili.registry.specs import KindSpec

APPLY_CHUNK = 500


@dataclass(frozen=True)
class Provenance:
    """What every written row records about its origin."""

    source: str
    batch_id: int
    received_at: datetime


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    updated: int
    unchanged: int
    # (row number, stored owner region) of each row refused because the stored row is another province's.
    refused: tuple[tuple[int, str], ...] = ()
    # The persons whose rows were created or changed, by the year of the changed months (ANY_YEAR for rows
    # without a month); what `import_batch_applied` sends (anbili/registry/signals.py). Empty for kinds
    # not keyed by person (dispatch filings, market units).
    touched: Mapping[int, frozenset[str]] = field(default_factory=dict)


def touch_fields(spec: KindSpec) -> tuple[str, str] | None:
    """The person and month fields of a kind's rows ("" when it has no month), or None when its rows are
    not a person's."""
    if "id_number" not in spec.fields:
        return None
    return "id_number", "month" if "month" in spec.fields else ""


def touched_by_year(pairs: Iterable[tuple[str, int]]) -> dict[int, frozenset[str]]:
    """{year: ID numbers} from (ID number, year) pairs."""
    years: dict[int, set[str]] = defaultdict(set)
    for id_number, year in pairs:
        years[year].add(id_number)
    return {year: frozenset(ids) for year, ids in years.items()}


class Stager:
    """Collects the valid rows of one batch until they are applied."""

    def __init__(self, spec: KindSpec, batch_id: int, province_prefix: str = "") -> None:
        self.spec = spec
        self.batch_id = batch_id
        self.staged = 0
        # Only a scoped batch whose owner is not in the key needs the stored-row check (and row numbers).
        self.scoped = bool(province_prefix) and not spec.owner_in_key
        self.province_prefix = province_prefix

    def stage(self, rows: Sequence[tuple[Any, ...]], row_numbers: Sequence[int] = ()) -> None:
        """Keep a chunk of valid rows; `row_numbers` (the rows' numbers in the file) name refused rows."""
        raise NotImplementedError

    def apply(self, provenance: Provenance) -> UpsertCounts:
        """Write every staged row into the mirror table (inside the caller's transaction)."""
        raise NotImplementedError

    def discard(self) -> None:
        """Forget the staged rows (after apply or on failure)."""


def stager_for(spec: KindSpec, batch_id: int, province_prefix: str = "") -> Stager:
    """The fastest stager the database offers."""
    if connection.vendor == "postgresql":
        return PostgresStager(spec, batch_id, province_prefix)
    return PortableStager(spec, batch_id, province_prefix)


# --- PostgreSQL ------------------------------------------------------------------------------------


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, date | Decimal | int):
        return str(value)
    raise TypeError(f"cannot stage {type(value).__name__}")


class PostgresStager(Stager):
    """COPY into a session-local temporary table, one COPY per chunk so progress can be saved between."""

    def __init__(self, spec: KindSpec, batch_id: int, province_prefix: str = "") -> None:
        super().__init__(spec, batch_id, province_prefix)
        self.table = f"registry_stage_{batch_id}"
        self.target = spec.model._meta.db_table
        self._created = False

    def _create(self) -> None:
        fields = ", ".join(connection.ops.quote_name(name) for name in self.spec.fields)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            # Temporary: not WAL-logged and invisible to other sessions; the column types are the target's.
            # A scoped batch stages each row's number too, to name the rows the stored-row check refuses.
            row_column = ", 0::integer AS _row" if self.scoped else ""
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} AS "
                f"SELECT {fields}{row_column} FROM {self.target} WITH NO DATA"
            )
        self._created = True

    def stage(self, rows: Sequence[tuple[Any, ...]], row_numbers: Sequence[int] = ()) -> None:
        """COPY a chunk of rows into the staging table."""
        if not self._created:
            self._create()
        if not rows:
            return
        if self.scoped:
            rows = [(*row, number) for row, number in zip(rows, row_numbers, strict=True)]
        if self.spec.plain_copy:
            text = "\n".join("\t".join(map(str, row)) for row in rows) + "\n"
        else:
            text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
        columns = ", ".join(connection.ops.quote_name(name) for name in self.spec.fields)
        if self.scoped:
            columns += ", _row"
        with connection.cursor() as cursor, cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
            copy.write(text)
        self.staged += len(rows)

    def apply(self, provenance: Provenance) -> UpsertCounts:
        """Update the rows whose values changed, then insert the new keys; identical rows are untouched.

        Two plain statements instead of INSERT ... ON CONFLICT: speculative insertion costs about twice a
        plain insert per row. The table lock (readers are not blocked) keeps two batches of one kind from
        inserting the same key between the statements."""
        if not self._created:
            self._create()
        quote = connection.ops.quote_name
        target, stage = self.target, self.table
        fields = [quote(name) for name in self.spec.fields]
        values = [quote(name) for name in self.spec.value_fields]
        joined = " AND ".join(f"t.{quote(k)} = s.{quote(k)}" for k in self.spec.key_fields)
        stamp: list[Any] = [provenance.source, provenance.batch_id, provenance.received_at]
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {target} IN SHARE ROW EXCLUSIVE MODE")
            # Temporary tables are never auto-analysed; without statistics the planner guesses the joins.
            cursor.execute(f"ANALYZE {stage}")
            refused: tuple[tuple[int, str], ...] = ()
            if self.scoped:
                # Rows whose stored counterpart is another province's leave the stage before anything is
                # written; one statement for the whole batch, the same key join the UPDATE makes.
                owner = quote(self.spec.owner_field)
                cursor.execute(
                    f"DELETE FROM {stage} AS s USING {target} AS t WHERE {joined} "
                    f"AND left(t.{owner}, 2) <> %s RETURNING s._row, t.{owner}",
                    [self.province_prefix],
                )
                refused = tuple(sorted(cursor.fetchall()))
            touch = touch_fields(self.spec)
            updated, touched = _execute_touching(
                cursor,
                f"UPDATE {target} AS t SET "
                + ", ".join(
                    [f"{v} = s.{v}" for v in values] + ["source = %s", "batch_id = %s", "received_at = %s"]
                )
                + f" FROM {stage} AS s WHERE {joined} AND ("
                + ", ".join(f"t.{v}" for v in values)
                + ") IS DISTINCT FROM ("
                + ", ".join(f"s.{v}" for v in values)
                + ")",
                stamp,
                touch,
                "t.",
            )
            created, inserted = _execute_touching(
                cursor,
                f"INSERT INTO {target} ({', '.join(fields)}, source, batch_id, received_at) "
                f"SELECT {', '.join(f's.{f}' for f in fields)}, %s, %s, %s FROM {stage} AS s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {target} AS t WHERE {joined}) "
                # Key order fills the unique index page by page instead of at random (about 10% faster).
                f"ORDER BY {', '.join(f's.{quote(k)}' for k in self.spec.key_fields)}",
                stamp,
                touch,
                "",
            )
        return UpsertCounts(
            created=created,
            updated=updated,
            unchanged=self.staged - created - updated - len(refused),
            refused=refused,
            touched=touched_by_year([*touched, *inserted]),
        )

    def discard(self) -> None:
        """Drop the staging table."""
        if self._created:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self._created = False
        self.staged = 0


def _execute_touching(
    cursor: Any, statement: str, params: list[Any], touch: tuple[str, str] | None, qualifier: str
) -> tuple[int, list[tuple[str, int]]]:
    """Run an UPDATE or INSERT; return its row count and, for a kind keyed by person, the distinct
    (ID number, year) of the rows it wrote. Statement-level: the written rows come back through RETURNING
    into a GROUP BY on the server, so a one-month batch of 100,000 persons sends back 100,000 short rows, and
    the monthly tables need no index on the batch (docs/registry.md, "Re-verification")."""
    if touch is None:
        cursor.execute(statement, params)
        return cursor.rowcount, []
    quote = connection.ops.quote_name
    person, month = touch
    returning = f"{qualifier}{quote(person)}" + (f", {qualifier}{quote(month)}" if month else "")
    year = f"{quote(month)} / 100" if month else str(ANY_YEAR)
    cursor.execute(
        f"WITH written AS ({statement} RETURNING {returning}) "
        f"SELECT {quote(person)}, {year}, count(*) FROM written GROUP BY 1, 2",
        params,
    )
    rows = cursor.fetchall()
    return sum(count for _, _, count in rows), [(id_number, year) for id_number, year, _ in rows]


# --- Portable (ORM) ----------------------------------------------------------------------------------


class PortableStager(Stager):
    """Rows kept in memory and applied with bulk_create/bulk_update; for SQLite and other databases."""

    def __init__(self, spec: KindSpec, batch_id: int, province_prefix: str = "") -> None:
        super().__init__(spec, batch_id, province_prefix)
        self.rows: list[tuple[Any, ...]] = []
        self.row_numbers: list[int] = []

    def stage(self, rows: Sequence[tuple[Any, ...]], row_numbers: Sequence[int] = ()) -> None:
        """Keep a chunk of rows in memory."""
        self.rows.extend(rows)
        if self.scoped:
            self.row_numbers.extend(row_numbers)
        self.staged += len(rows)

    def apply(self, provenance: Provenance) -> UpsertCounts:
        """Compare each chunk with the stored rows by natural key, then create and update in bulk."""
        spec = self.spec
        model = spec.model
        key_positions = spec.key_positions
        value_fields = spec.value_fields
        value_positions = tuple(spec.fields.index(name) for name in value_fields)
        lead = spec.key_fields[0]
        owner_field, prefix = spec.owner_field, self.province_prefix
        refused: list[tuple[int, str]] = []
        created = updated = unchanged = 0
        touch = touch_fields(spec)
        touched: list[tuple[str, int]] = []
        stamp = {
            "source": provenance.source,
            "batch_id": provenance.batch_id,
            "received_at": provenance.received_at,
        }
        for start in range(0, len(self.rows), APPLY_CHUNK):
            chunk = self.rows[start : start + APPLY_CHUNK]
            leads = {row[key_positions[0]] for row in chunk}
            stored = {
                tuple(getattr(obj, name) for name in spec.key_fields): obj
                for obj in model._default_manager.filter(**{f"{lead}__in": leads})
            }
            to_create = []
            to_update = []
            for offset, row in enumerate(chunk):
                obj = stored.get(tuple(row[p] for p in key_positions))
                if obj is None:
                    to_create.append(model(**dict(zip(spec.fields, row, strict=True)), **stamp))
                    continue
                # The chunk's stored rows are already read: the province check costs no query.
                if self.scoped and getattr(obj, owner_field)[:2] != prefix:
                    refused.append((self.row_numbers[start + offset], getattr(obj, owner_field)))
                    continue
                new_values = [row[p] for p in value_positions]
                if [getattr(obj, name) for name in value_fields] == new_values:
                    unchanged += 1
                    continue
                for name, value in zip(value_fields, new_values, strict=True):
                    setattr(obj, name, value)
                for name, value in stamp.items():
                    setattr(obj, name, value)
                to_update.append(obj)
            model._default_manager.bulk_create(to_create, batch_size=APPLY_CHUNK)
            if to_update:
                model._default_manager.bulk_update(
                    to_update, [*value_fields, "source", "batch_id", "received_at"], batch_size=APPLY_CHUNK
                )
            created += len(to_create)
            updated += len(to_update)
            if touch is not None:
                touched.extend(_touched_of(touch, [*to_create, *to_update]))
        return UpsertCounts(
            created=created,
            updated=updated,
            unchanged=unchanged,
            refused=tuple(sorted(refused)),
            touched=touched_by_year(touched),
        )

    def discard(self) -> None:
        """Drop the rows held in memory."""
        self.rows = []
        self.row_numbers = []
        self.staged = 0


def _touched_of(touch: tuple[str, str], objects: Iterable[Any]) -> Iterable[tuple[str, int]]:
    person, month = touch
    for obj in objects:
        yield getattr(obj, person), getattr(obj, month) // 100 if month else ANY_YEAR
