"""A chain rewritten and re-hashed end to end is consistent with itself; `audit verify` still
finds it, because each signed PK holds the chain's head at its signing (issue 15 item 7)."""

from __future__ import annotations

from nyata.core import audit
from nyata.core.models import AuditChainHead, AuditEvent
from nyata.core.tenancy import unscoped
from tests.agreements.conftest import Plan
from tests.tampering import rewrite_and_rehash


def test_a_rehashed_chain_no_longer_matches_the_head_a_signed_pk_holds(plan: Plan) -> None:
    a = plan.sign_both()
    assert a.chain_seq is not None and a.chain_hash
    assert audit.verify("99") == []
    rewrite_and_rehash(plan.world.a.pk, 2, "Dinas Palsu")
    with unscoped():
        head = AuditChainHead.objects.get(pk=plan.world.a.pk)
        last = AuditEvent.objects.filter(pemda=plan.world.a).order_by("-seq").first()
    assert last is not None and head.hash == last.hash  # the chain is consistent with itself
    breaks = audit.verify("99")
    assert len(breaks) == 1
    assert breaks[0].seq == a.chain_seq and f"#{a.pk}" in breaks[0].reason and "rewritten" in breaks[0].reason
