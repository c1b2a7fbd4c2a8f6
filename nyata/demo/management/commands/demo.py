from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nyata.core import otp
from nyata.core.models import User
from nyata.demo.loader import DEMO_PASSWORD, DemoAccount, load


def account_lines(accounts: Iterable[DemoAccount]) -> list[str]:
    """The demo accounts with their Pemda, then each demo signer's TOTP secret (demo mode only)."""
    accounts = list(accounts)
    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    lines = [f"Akun demo (kata sandi untuk semua: {DEMO_PASSWORD}):"]
    secrets = []
    for a in accounts:
        lines.append(f"  {a.username:<20} {a.role:<34} {a.agency:<28} {a.pemda}")
        device = otp.demo_device(users[a.username]) if a.username in users else None
        if device is not None:
            secrets.append(f"  {a.username:<20} {otp.secret_b32(device)}")
    if secrets:
        lines += ["Kunci TOTP demo untuk aplikasi autentikator: untuk menandatangani, dan untuk masuk sebagai "
                  "admin kinerja, inspektorat atau operator platform (juga sebagai kode QR di halaman Keamanan "
                  "akun, /keamanan/; langkah kode di demo menampilkan kode yang berlaku):", *secrets]
    return lines


class Command(BaseCommand):
    help = "Load the South Sumatra demo (idempotent), print the demo accounts, then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Only load the data.")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # Nine accounts with a published password have no place in a real Pemda's database.
            raise CommandError("nyata demo refuses to run with NYATA_ENV=production.")
        call_command("migrate", interactive=False, verbosity=0)
        accounts = load()
        self.stdout.write(self.style.SUCCESS("Demo Sumatera Selatan siap."))
        if settings.DEMO_MODE:
            for line in account_lines(accounts):
                self.stdout.write(line)
        else:
            self.stdout.write("Set NYATA_DEMO=1 to print the demo accounts.")
        if not options["no_serve"]:
            self.stdout.write(f"Buka http://{options['addr']}/")
            call_command("runserver", options["addr"], use_reloader=False)
