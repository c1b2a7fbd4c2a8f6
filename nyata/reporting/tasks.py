"""Background work of quarterly reporting: rescoring a Pemda's year after a verdict committed.

Runs inline with the default backend (no worker configured). It receives ids and re-enters the
tenant scope from them.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from nyata.core.models import Pemda
from nyata.core.tenancy import tenant_scope, unscoped


@task()
def scores_recompute_task(pemda_id: int, year: int) -> int:
    from nyata.reporting import scores

    with unscoped():
        pemda = Pemda.objects.get(pk=pemda_id)
    with tenant_scope(pemda), transaction.atomic():
        return scores.recompute(pemda, year)


def recompute_after_commit(pemda_id: int, year: int) -> None:
    """Rescore the year once the verdict or submission is committed, outside its transaction
    (it held the Pemda's audit lock while the engine ran).

    Once per transaction: a rescore already waiting for this commit (registered where a
    rollback would drop this one too) covers it, so a batch (the demo load) scores once.
    """
    key = (pemda_id, year)
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        inside = set(conn.savepoint_ids)
        for sids, func, _robust in conn.run_on_commit:
            if getattr(func, "nyata_rescore", None) == key and sids <= inside:
                return

    def run() -> None:
        scores_recompute_task.enqueue(pemda_id, year)

    run.nyata_rescore = key  # type: ignore[attr-defined]  # a mark to find the waiting rescore
    transaction.on_commit(run)
