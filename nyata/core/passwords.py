"""Password validators for the policy profiles (OWASP default, BSSN 4/2021)."""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path
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


COMMON_LIST = Path(__file__).resolve().parent / "data" / "common-passwords-id.txt"
# What people put around a word to satisfy a composition rule: a year, "123", a "!".
_DECORATION = re.compile(r"^[\W\d_]{0,3}(?P<core>.*?)[\W\d_]{0,6}$")


@functools.cache
def _bundled() -> frozenset[str]:
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


class BundledCommonPasswordValidator:
    """Refuse the bundled list of common Indonesian and context words (Nyata, SAKIP, regions, the
    demo password), also with a few digits or symbols around them (Palembang2026!, bismillah123).
    Django's CommonPasswordValidator, which runs beside it, covers the common passwords in English."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower().strip()
        match = _DECORATION.match(lowered)
        core = match.group("core") if match else lowered
        if lowered in _bundled() or (len(core) >= 3 and core in _bundled()):
            raise ValidationError(_("Kata sandi ini terlalu umum atau mudah ditebak."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Bukan kata sandi yang umum atau mudah ditebak.")
