from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nyata.core import actions, anchors, audit, integrity, security_events


class Command(BaseCommand):
    help = ("Audit chain tools. `nyata audit verify [--pemda CODE]` recomputes every hash, compares each chain "
            "with its anchors and checks every hash other records hold (signed PKs, sealed PDFs, evidence files). "
            "`nyata audit anchor [--pemda CODE]` appends each Pemda's chain head, signed with the seal, to its "
            "anchors file (run it daily).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "anchor"])
        parser.add_argument("--pemda", help="Kemendagri code of one Pemda (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pemdas = audit.pemdas(options["pemda"])
        except audit.AuditError as e:
            raise CommandError(str(e)) from e
        if options["action"] == "anchor":
            self._anchor(pemdas)
        else:
            self._verify(pemdas, whole_platform=options["pemda"] is None)

    def _anchor(self, pemdas: list[Any]) -> None:
        refused = []
        for pemda in pemdas:
            try:
                a = actions.chain_anchor(actor=None, pemda=pemda)
            except (ValidationError, anchors.AnchorError) as e:
                message = f"Pemda {pemda.code}: " + (" ".join(e.messages) if isinstance(e, ValidationError) else str(e))
                refused.append(message)
                self.stderr.write(message)
                continue
            self.stdout.write(f"Pemda {pemda.code}: jangkar seq {a.seq} {a.short_hash}… ({a.anchored_at}) "
                              f"→ {anchors.path_for(pemda)}")
        if refused:
            raise CommandError(f"{len(refused)} Pemda not anchored")

    def _verify(self, pemdas: list[Any], *, whole_platform: bool) -> None:
        breaks = []
        for pemda in pemdas:
            found = audit.verify_pemda(pemda)
            breaks += found
            if found:  # the performance admins hear of it (e-mail by default), not only the console
                security_events.record(security_events.AUDIT_BROKEN, pemda=pemda,
                                       data={"break": str(found[0])[:500]}, alert=True)
            state = anchors.read(pemda)
            if not state.anchors and not state.problem:
                self.stdout.write(f"Pemda {pemda.code}: belum ada jangkar / no anchors yet "
                                  f"({state.path}); chain checked on its own. Run `nyata audit anchor`.")
                log = anchors.recorded(pemda)
                if log:  # expected after a restore into a new place; otherwise the file was removed
                    self.stdout.write(self.style.WARNING(
                        f"Pemda {pemda.code}: the security log records {len(log)} anchor(s), the latest "
                        f"{log[-1]['at']:%Y-%m-%d %H:%M} UTC, but there is no anchors file here: unless this "
                        "database was restored to a new place, the file was removed (check NYATA_AUDIT_ANCHOR_DIR)."))
            elif state.anchors:
                last = state.anchors[-1]
                self.stdout.write(f"Pemda {pemda.code}: {len(state.anchors)} jangkar / anchors, latest seq {last.seq} "
                                  f"{last.short_hash}… ({last.anchored_at})")
        ids = None if whole_platform else {p.pk for p in pemdas}
        checked, file_problems = integrity.problems(ids)
        self.stdout.write(f"{checked} berkas dengan hash tercatat diperiksa / files with a recorded hash checked")
        for b in breaks:
            self.stderr.write(str(b))
        for p in file_problems:
            self.stderr.write(p)
        if breaks or file_problems:
            where = len({b.pemda_code for b in breaks})
            raise CommandError(f"audit chain broken in {where} Pemda, {len(file_problems)} file(s) differ from "
                               "their records")
        self.stdout.write(self.style.SUCCESS("Rantai audit utuh (audit chain intact)."))
