from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from nyata.core.integrity import HeldFile


class ProductsConfig(AppConfig):
    name = "nyata.products"
    label = "products"

    def ready(self) -> None:
        from nyata.core import integrity

        integrity.register(evidence_files)


def evidence_files() -> Iterator[HeldFile]:
    """Every innovation's evidence file: its SHA-256 was taken at upload and is in the audit chain."""
    from nyata.core.integrity import HeldFile, recorded_in_chain
    from nyata.products.models import Evidence

    in_chain = recorded_in_chain("products.evidence", "nyata.evidence.created", "after", "sha256")
    for e in Evidence.objects.only("pk", "pemda_id", "file", "sha256"):
        yield HeldFile(f"Bukti inovasi #{e.pk}", e.file.name, e.sha256, pemda_id=e.pemda_id,
                       chain_sha256=in_chain.get(str(e.pk)))
