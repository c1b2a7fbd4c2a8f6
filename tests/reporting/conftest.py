from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.reporting.factories import Pk, signed_pk


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NYATA_EVIDENCE_SCANNER = "tests.reporting.doubles.EicarScanner"


@pytest.fixture
def pk(world: World) -> Pk:
    """A signed PK of agency A1 (three indicators, one program), the reporting tests' usual subject."""
    return signed_pk(world, world.a1)
