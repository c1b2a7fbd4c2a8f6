"""Demo data of the projects app; called by nyata.demo.loader inside the Pemda's scope."""

from __future__ import annotations

from nyata.core.models import Pemda


def load(pemda: Pemda) -> None:
    """Add this app's demo rows for the province (idempotent)."""
