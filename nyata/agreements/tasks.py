"""Background work of the agreements app: sealing a signed PK after its signing committed.

Runs inline with the default backend (no worker configured) and on a worker with the database
backend; either way it receives ids and re-enters the tenant scope from them.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from nyata.agreements import actions
from nyata.agreements.models import Agreement
from nyata.core import audit
from nyata.core.models import User
from nyata.core.tenancy import tenant_scope, unscoped


@task()
def agreement_seal_task(agreement_id: int, actor_id: int | None) -> str:
    """Seal the PK; a failure is itself audited (the PK stays signed, unsealed, and can be retried)."""
    with unscoped():
        agreement = Agreement.objects.select_related("pemda").get(pk=agreement_id)
        actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    with tenant_scope(agreement.pemda):
        try:
            return actions.agreement_seal(actor=actor, agreement_id=agreement_id).document_sha256
        except Exception as e:
            with transaction.atomic():
                audit.record(pemda=agreement.pemda_id, actor=actor, action="nyata.agreement.seal_failed",
                             obj=agreement, data={"error": type(e).__name__})
            raise
