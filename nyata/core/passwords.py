"""Password validators for the policy profiles (OWASP default, BSSN 4/2021)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Long passphrases are welcome, but unbounded input is a denial-of-service vector."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("Kata sandi paling panjang %(n)d karakter.") % {"n": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Paling panjang %(n)d karakter.") % {"n": self.max_length}


class CompositionValidator:
    """BSSN 4/2021 profile: upper case, lower case, digit and symbol."""

    def validate(self, password: str, user: Any = None) -> None:
        missing = []
        if not any(c.isupper() for c in password):
            missing.append(_("huruf besar"))
        if not any(c.islower() for c in password):
            missing.append(_("huruf kecil"))
        if not any(c.isdigit() for c in password):
            missing.append(_("angka"))
        if not any(c in string.punctuation or c == " " for c in password):
            missing.append(_("simbol"))
        if missing:
            raise ValidationError(
                _("Kata sandi harus memuat: %(m)s.") % {"m": ", ".join(missing)},
                code="password_composition",
            )

    def get_help_text(self) -> str:
        return _("Memuat huruf besar, huruf kecil, angka dan simbol.")
