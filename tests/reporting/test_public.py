"""The portal's view of quarterly reports: accepted values only, never drafts or returned items."""

from __future__ import annotations

from nyata.core.tenancy import tenant_scope
from nyata.reporting import actions
from nyata.reporting.models import Realisation
from nyata.reporting.public import verified_results
from tests.conftest import World
from tests.reporting.factories import Pk, fill_quarter


def test_only_accepted_values_reach_the_portal(world: World, pk: Pk) -> None:
    with tenant_scope(world.a):
        rows = fill_quarter(world, pk)
        actions.realisation_submit(actor=world.users["agency_head"], agency=pk.agency, quarter=pk.q1)
        returned = Realisation.objects.get(pk=rows["I2"].pk)
        actions.realisation_verify(actor=world.users["inspector"], realisations=[returned], verdict="return",
                                   comment="bukti kurang")
        accepted = [Realisation.objects.get(pk=rows["I1"].pk)]
        actions.realisation_verify(actor=world.users["inspector"], realisations=accepted, verdict="accept")
        public = list(verified_results(world.a, 2026))
    assert [r["indicator"] for r in public] == [pk.indicators["I1"].name]
    assert public[0]["status"] == "verified" and public[0]["period"] == "TW 1 2026"
    assert public[0]["achievement"] is not None
