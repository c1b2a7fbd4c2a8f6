from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from nyata.core.integrity import HeldFile


class AgreementsConfig(AppConfig):
    name = "nyata.agreements"
    label = "agreements"

    def ready(self) -> None:
        from nyata.core import integrity

        integrity.register(sealed_agreements)


def sealed_agreements() -> Iterator[HeldFile]:
    """Every sealed PK: its PDF's SHA-256 is on record and its seal must validate."""
    from nyata.agreements.models import Agreement
    from nyata.core.integrity import HeldFile

    for a in Agreement.objects.exclude(signed_pdf="").only("pk", "year", "signed_pdf", "document_sha256"):
        yield HeldFile(f"PK {a.year} #{a.pk}", a.signed_pdf.name, a.document_sha256, sealed=True)
