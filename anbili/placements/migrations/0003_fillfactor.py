"""Leave a fifth of each page free in the two tables batch re-verification rewrites, so that stamping a
placement (verified_at, verdicts_digest) and rewriting a month's verdicts are HOT updates on PostgreSQL:
the new row version stays on its page and none of the placement's nine indexes is touched
(docs/decisions/0005-batch-reverification.md). Other databases have no such setting."""

from django.db import migrations

TABLES = ("placements_placement", "placements_placementmonth")


def _fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0002_verdicts_digest"),
    ]

    operations = [migrations.RunPython(_fillfactor(80), _fillfactor(100))]
