"""Whether a fiscal year is still open for writing: the one check every writer calls.

Once a performance admin closes a year (`nyata.lkjip.actions.fiscal_year_close`), its values,
targets, scores and per-year settings are frozen; a later correction goes through a logged
reopening with a reason. Every action that writes a value *of a year* calls one of these
before writing:

- `ensure_open(fiscal_year)` when the `FiscalYear` row is already loaded (no query: the
  reporting save path has it from its one find-and-lock query);
- `ensure_year_open(pemda, year)` otherwise (one small query).

Both raise `YearClosed`, a `ValidationError` with a message for the person, so pages, API
and imports answer it like any other refusal.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nyata.core.models import FiscalYear, Pemda
from nyata.core.tenancy import unscoped


class YearClosed(ValidationError):
    """A write to a closed fiscal year was refused."""


def _message(year: int, what: str) -> str:
    if what:
        return _("Tahun anggaran %(year)s sudah ditutup; %(what)s tidak dapat diubah. Perubahan hanya "
                 "lewat pembukaan kembali tahun itu oleh admin kinerja, dengan alasan.") % {
                     "year": year, "what": what}
    return _("Tahun anggaran %(year)s sudah ditutup; datanya tidak dapat diubah. Perubahan hanya lewat "
             "pembukaan kembali tahun itu oleh admin kinerja, dengan alasan.") % {"year": year}


def year_is_closed(pemda: Pemda | int, year: int) -> bool:
    """True when the Pemda's fiscal year `year` exists and is closed."""
    pemda_id = pemda if isinstance(pemda, int) else pemda.pk
    # The Pemda is named explicitly, so the answer is the same inside any tenant scope.
    with unscoped():
        return FiscalYear.objects.filter(pemda_id=pemda_id, year=year, state=FiscalYear.State.CLOSED).exists()


def ensure_year_open(pemda: Pemda | int, year: int, *, what: str = "") -> None:
    """Refuse (YearClosed) a write to a closed year; `what` names the thing, e.g. "target"."""
    if year_is_closed(pemda, year):
        raise YearClosed(_message(year, what))


def ensure_open(fiscal_year: FiscalYear, *, what: str = "") -> None:
    """The same check on a loaded `FiscalYear` (no query)."""
    if fiscal_year.state == FiscalYear.State.CLOSED:
        raise YearClosed(_message(fiscal_year.year, what))
