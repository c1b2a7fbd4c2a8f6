"""`nyata pemda create|list|suspend|resume`: tenants from the command line, for scripted installs.

`create` registers a Pemda and invites its first performance admin, and prints the admin's
one-time set-password link; any refusal (a duplicate or malformed code, a parent that is not a
province, a bad username or e-mail) exits non-zero with the reason and creates nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from nyata.core import accounts
from nyata.core.models import Account, Agency, Pemda
from nyata.core.tenancy import tenant_scope, unscoped


def _reason(e: ValidationError) -> str:
    if hasattr(e, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in e.message_dict.items())
    return " ".join(e.messages)


class Command(BaseCommand):
    help = "Pemda (tenants): create with a first admin, list, suspend, resume."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Register a Pemda and invite its performance admin.")
        create.add_argument("--code", required=True, help="Kemendagri region code: 16 (province), 16.07 (regency/city)")
        create.add_argument("--name", required=True)
        create.add_argument("--kind", required=True, choices=Pemda.Kind.values)
        create.add_argument("--parent", default="", help="code of the parent province (regency or city)")
        create.add_argument("--public-url", default="", help="public base URL for QR codes and e-mail links")
        create.add_argument("--admin-username", required=True)
        create.add_argument("--admin-email", required=True)
        create.add_argument("--admin-name", default="")
        sub.add_parser("list", help="Every Pemda with its usage (users, agencies) and state.")
        for name in ("suspend", "resume"):
            p = sub.add_parser(name, help=f"{name.title()} a Pemda (nothing is deleted).")
            p.add_argument("code")
            if name == "suspend":
                p.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, o: dict[str, Any]) -> None:
        try:
            pemda, user, link = accounts.pemda_register(
                actor=None,
                code=o["code"],
                name=o["name"],
                kind=o["kind"],
                parent_code=o["parent"],
                public_base_url=o["public_url"],
                admin_username=o["admin_username"],
                admin_email=o["admin_email"],
                admin_name=o["admin_name"],
            )
        except ValidationError as e:
            raise CommandError(f"Pemda {o['code']!r} not created: {_reason(e)}") from None
        self.stdout.write(
            self.style.SUCCESS(f"{pemda.code} {pemda.name} created; admin {user.username} <{user.email}>.")
        )
        self.stdout.write("One-time set-password link for the admin:")
        self.stdout.write(link)

    def _list(self, o: dict[str, Any]) -> None:
        with unscoped():
            users = dict(
                Account.objects.filter(is_active=True)
                .values("pemda_id")
                .annotate(n=Count("pk"))
                .values_list("pemda_id", "n")
            )
            agencies = dict(Agency.objects.values("pemda_id").annotate(n=Count("pk")).values_list("pemda_id", "n"))
            pemdas = list(Pemda.objects.all())
        self.stdout.write(f"{'code':<8} {'kind':<10} {'state':<10} {'users':>5} {'agencies':>8}  name")
        for p in pemdas:
            state = "suspended" if p.is_suspended else "active"
            self.stdout.write(
                f"{p.code:<8} {p.kind:<10} {state:<10} {users.get(p.pk, 0):>5} {agencies.get(p.pk, 0):>8}  {p.name}"
            )

    def _pemda(self, code: str) -> Pemda:
        with unscoped():
            pemda = Pemda.objects.filter(code=code).first()
        if pemda is None:
            raise CommandError(f"No Pemda with code {code!r}.")
        return pemda

    def _suspend(self, o: dict[str, Any]) -> None:
        pemda = self._pemda(o["code"])
        try:
            with tenant_scope(pemda):
                accounts.pemda_suspend(actor=None, pemda=pemda, reason=o["reason"])
        except ValidationError as e:
            raise CommandError(_reason(e)) from None
        self.stdout.write(self.style.SUCCESS(f"{pemda.code} {pemda.name} suspended: its users cannot sign in."))

    def _resume(self, o: dict[str, Any]) -> None:
        pemda = self._pemda(o["code"])
        try:
            with tenant_scope(pemda):
                accounts.pemda_resume(actor=None, pemda=pemda)
        except ValidationError as e:
            raise CommandError(_reason(e)) from None
        self.stdout.write(self.style.SUCCESS(f"{pemda.code} {pemda.name} resumed."))
