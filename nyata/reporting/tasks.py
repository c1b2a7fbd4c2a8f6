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
    """Rescore the year once the verdict is committed, outside the verification's transaction
    (it held the Pemda's audit lock while the engine ran)."""
    transaction.on_commit(lambda: scores_recompute_task.enqueue(pemda_id, year))
