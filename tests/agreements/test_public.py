"""The portal's view of agreements: signed ones only, with names and positions, no NIP."""

from __future__ import annotations

from nyata.agreements.public import signed_agreements
from tests.agreements.conftest import Plan


def test_only_signed_agreements_are_public_and_without_nip(plan: Plan) -> None:
    from nyata.agreements.models import Agreement
    from nyata.core.tenancy import tenant_scope

    with tenant_scope(plan.world.a):
        _check(plan, Agreement)


def _check(plan: Plan, Agreement: type) -> None:
    signed = plan.sign_both()
    rows = list(signed_agreements(plan.world.a, signed.year))
    assert [r["verification_code"] for r in rows] == [signed.verification_code]
    assert all(r["status"] == "signed" for r in rows)
    assert Agreement.objects.exclude(status=Agreement.Status.SIGNED).exists()  # drafts exist but stay out
    for official in plan.world.officials.values():
        assert all(official.nip not in str(v) for r in rows for v in r.values())
