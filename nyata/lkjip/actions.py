"""Closing and reopening a fiscal year. Each action owns its transaction and its audit event.

Closing freezes the year's values, scores, targets, PKs and rules: every writer asks
`core.periods` before writing, so this module only flips the state and keeps the history.
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.core import audit
from nyata.core.access import require
from nyata.core.models import FiscalYear, User
from nyata.core.roles import ADMINS
from nyata.lkjip.closing import year_gaps
from nyata.lkjip.models import REASON_MAX, YearClosing

GAPS_NAMED = 10  # agencies named in the refusal; the page lists them all


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("Alasan paling panjang %(n)d karakter.") % {"n": REASON_MAX}})
    return text


def _locked(actor: User | None, fiscal_year: FiscalYear, refusal: str) -> FiscalYear:
    require(actor, fiscal_year.pemda_id, ADMINS, refusal=refusal)
    # The row is locked so two admins closing at once append one history row, not two.
    return cast("FiscalYear", FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk))


@transaction.atomic
def fiscal_year_close(*, actor: User | None, fiscal_year: FiscalYear, reason: str = "") -> YearClosing:
    """Close the year. With Q4 not verified for every agency, a reason is required and kept
    together with the list of what was missing."""
    fy = _locked(actor, fiscal_year, _("Hanya admin kinerja yang dapat menutup tahun anggaran."))
    if fy.state == FiscalYear.State.CLOSED:
        raise ValidationError(_("Tahun anggaran %(year)s sudah ditutup.") % {"year": fy.year})
    text = _reason(reason)
    gaps = year_gaps(fy)
    if gaps and not text:
        names = ", ".join(g.name for g in gaps[:GAPS_NAMED])
        if len(gaps) > GAPS_NAMED:
            names += _(" dan %(n)d lainnya") % {"n": len(gaps) - GAPS_NAMED}
        raise ValidationError({"reason": _(
            "TW IV %(year)s belum terverifikasi untuk %(n)d perangkat daerah: %(names)s. Tahun ini hanya "
            "dapat ditutup dengan alasan yang dicatat.") % {"year": fy.year, "n": len(gaps), "names": names}})
    before = fy.state
    fy.state = FiscalYear.State.CLOSED
    fy.save(update_fields=["state"])
    gap_rows = [g.as_json() for g in gaps]
    row: YearClosing = YearClosing.objects.create(pemda_id=fy.pemda_id, fiscal_year=fy, kind=YearClosing.Kind.CLOSED,
                                     reason=text, gaps=gap_rows, actor=actor, at=timezone.now())
    audit.record(pemda=fy.pemda_id, actor=actor, action="nyata.year.closed", obj=fy,
                 data={"year": fy.year, "state_before": before, "reason": text, "gaps": gap_rows,
                       "closing": row.pk})
    fiscal_year.state = fy.state
    return row


@transaction.atomic
def fiscal_year_reopen(*, actor: User | None, fiscal_year: FiscalYear, reason: str) -> YearClosing:
    """Reopen a closed year for a correction; the reason is required and logged."""
    fy = _locked(actor, fiscal_year, _("Hanya admin kinerja yang dapat membuka kembali tahun anggaran."))
    if fy.state != FiscalYear.State.CLOSED:
        raise ValidationError(_("Tahun anggaran %(year)s belum ditutup.") % {"year": fy.year})
    text = _reason(reason)
    if not text:
        raise ValidationError({"reason": _("Tuliskan alasan membuka kembali tahun %(year)s.") % {"year": fy.year}})
    fy.state = FiscalYear.State.RUNNING
    fy.save(update_fields=["state"])
    row: YearClosing = YearClosing.objects.create(pemda_id=fy.pemda_id, fiscal_year=fy, kind=YearClosing.Kind.REOPENED,
                                     reason=text, actor=actor, at=timezone.now())
    audit.record(pemda=fy.pemda_id, actor=actor, action="nyata.year.reopened", obj=fy,
                 data={"year": fy.year, "reason": text, "closing": row.pk})
    fiscal_year.state = fy.state
    return row
