from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from nyata.core.integrity import HeldFile, HeldHash


class AgreementsConfig(AppConfig):
    name = "nyata.agreements"
    label = "agreements"

    def ready(self) -> None:
        from nyata.core import integrity

        integrity.register(sealed_agreements)
        integrity.register_chain_hashes(signed_chain_heads)


def sealed_agreements() -> Iterator[HeldFile]:
    """Every sealed PK: its PDF's SHA-256 is on record and its seal must validate."""
    from nyata.agreements.models import Agreement
    from nyata.core.integrity import HeldFile, recorded_in_chain

    in_chain = recorded_in_chain("agreements.agreement", "nyata.agreement.sealed", "document_sha256")
    for a in Agreement.objects.exclude(signed_pdf="").only("pk", "pemda_id", "year", "signed_pdf", "document_sha256"):
        yield HeldFile(f"PK {a.year} #{a.pk}", a.signed_pdf.name, a.document_sha256, sealed=True,
                       pemda_id=a.pemda_id, chain_sha256=in_chain.get(str(a.pk)))


def signed_chain_heads(pemda_id: int) -> Iterator[HeldHash]:
    """The audit-chain head each signed PK recorded (and its sealed PDF prints)."""
    from nyata.agreements.models import Agreement
    from nyata.core.integrity import HeldHash

    rows = (Agreement.objects.filter(pemda_id=pemda_id, chain_seq__isnull=False).exclude(chain_hash="")
            .values_list("pk", "year", "chain_seq", "chain_hash"))
    for pk, year, seq, chain_hash in rows:
        yield HeldHash(f"PK {year} #{pk}", int(seq), chain_hash)
