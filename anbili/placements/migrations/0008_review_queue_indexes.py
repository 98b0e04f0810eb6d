"""Partial indexes of the review queue (安置登记审核, anbili/placements/selectors_queue.py): the pending
placements in submission order and by unit, the months waiting for review, the dispatch agreements
waiting for a decision. Small: only the rows waiting are indexed, and the queue's counts read them
index-only. Figures in docs/performance.md (P4 review queue)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("placements", "0007_review_reasons")]

    operations = [
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["registered_at", "id"],
                name="placement_pending_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["employer", "id"],
                name="placement_pending_employer",
            ),
        ),
        migrations.AddIndex(
            model_name="placementcontract",
            index=models.Index(
                condition=models.Q(("agreement_review", "pending")),
                fields=["placement"],
                name="contract_agreement_pending",
            ),
        ),
        migrations.AddIndex(
            model_name="placementmonth",
            index=models.Index(
                condition=models.Q(("outcome", "pending_review")),
                fields=["placement", "id"],
                name="placement_month_pending",
            ),
        ),
    ]
