from __future__ import annotations

import pytest

from nyata.core.models import Agency
from nyata.core.tenancy import tenant_scope
from nyata.dashboard import demo
from nyata.dashboard.models import Commitment
from tests.conftest import World


@pytest.mark.django_db
def test_demo_commitments_are_illustrative_and_idempotent(world: World) -> None:
    with tenant_scope(world.a):
        for code in ("DINKES", "PUBMTR"):
            Agency.objects.create(pemda=world.a, code=code, name=code, kind="dinas")
        demo.load(world.a)
        demo.load(world.a)
        assert Commitment.objects.count() == 2
        assert all(c.is_illustrative and "ilustratif" in c.what for c in Commitment.objects.all())
