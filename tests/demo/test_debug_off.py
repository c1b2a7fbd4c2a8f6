"""The demo runs as its users will meet it: debug off (so the product's own 404 and 500 pages)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest


@pytest.mark.parametrize("demo,debug", [("1", "False"), ("", "True")])
def test_the_demo_runs_with_debug_off(demo: str, debug: str, tmp_path: Any) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"NYATA_DEBUG", "NYATA_ENV", "DJANGO_SETTINGS_MODULE"}}
    env.update(NYATA_DEMO=demo, NYATA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="nyata.settings")
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == debug

