"""`nyata evaluation_template install --pemda CODE`: copy the shipped 88/2021 template into a Pemda (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nyata.core.models import Pemda
from nyata.core.tenancy import tenant_scope
from nyata.evaluation.actions import template_install_shipped


class Command(BaseCommand):
    help = "Salin templat LKE PermenPANRB 88/2021 bawaan ke sebuah Pemda (aman dijalankan ulang)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["install"])
        parser.add_argument("--pemda", required=True, help="kode wilayah Kemendagri")

    def handle(self, *args: object, **options: object) -> None:
        pemda = Pemda.objects.filter(code=str(options["pemda"])).first()
        if pemda is None:
            raise CommandError(f"Pemda dengan kode {options['pemda']} tidak ditemukan.")
        with tenant_scope(pemda):
            row, created = template_install_shipped(actor=None, pemda=pemda)
        state = "dipasang" if created else "sudah ada, tidak diubah"
        self.stdout.write(f"{row} untuk {pemda}: {state}")
