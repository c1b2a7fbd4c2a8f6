"""NIP (Nomor Induk Pegawai) of a civil servant: 18 digits.

Layout: birth date YYYYMMDD (8), appointment YYYYMM (6), sex (1: 1 male, 2 female),
sequence (3, from 001).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Nip:
    birth_date: dt.date
    appointed_year: int
    appointed_month: int
    sex: str  # "L" or "P"
    sequence: int


def parse_nip(raw: str) -> Nip:
    value = (raw or "").replace(" ", "")
    if len(value) != 18 or not value.isdigit():
        raise ValidationError(
            _("NIP harus 18 digit angka (diterima: %(n)s karakter).") % {"n": len(value)},
            code="nip_length",
        )
    try:
        birth = dt.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(
            _("NIP memuat tanggal lahir yang tidak mungkin: %(d)s.") % {"d": value[0:8]},
            code="nip_birth",
        ) from None
    year, month = int(value[8:12]), int(value[12:14])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("NIP memuat bulan pengangkatan yang tidak mungkin: %(m)s.") % {"m": value[12:14]},
            code="nip_appointment",
        )
    if birth.year < 1900 or year < birth.year + 15 or year > timezone.localdate().year + 1:
        raise ValidationError(
            _("NIP memuat tahun pengangkatan %(y)s yang tidak sesuai dengan tahun lahir %(b)s.")
            % {"y": year, "b": birth.year},
            code="nip_appointment",
        )
    if value[14] not in "12":
        raise ValidationError(
            _("Digit jenis kelamin pada NIP harus 1 (laki-laki) atau 2 (perempuan)."),
            code="nip_sex",
        )
    sequence = int(value[15:18])
    if sequence == 0:
        raise ValidationError(_("Nomor urut pada NIP tidak boleh 000."), code="nip_sequence")
    return Nip(birth, year, month, "L" if value[14] == "1" else "P", sequence)


def validate_nip(raw: str) -> None:
    parse_nip(raw)
