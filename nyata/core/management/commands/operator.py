"""`nyata operator create --username U --email E`: an account of the installation's host.

The platform operator registers and suspends Pemda and sees their usage, never their content.
Prints the one-time set-password link.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nyata.core import accounts
from nyata.core.management.commands.pemda import _reason


class Command(BaseCommand):
    help = "Platform operators: `nyata operator create --username U --email E [--name N]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user, link = accounts.platform_operator_create(
                username=options["username"], email=options["email"], name=options["name"]
            )
        except ValidationError as e:
            raise CommandError(f"Operator {options['username']!r} not created: {_reason(e)}") from None
        self.stdout.write(self.style.SUCCESS(f"Platform operator {user.username} created."))
        self.stdout.write("One-time set-password link:")
        self.stdout.write(link)
