"""Writes of the dashboard app: the coordination meeting's commitments (meeting mode)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nyata.core import audit
from nyata.core.access import require
from nyata.core.models import Agency, Pemda, User
from nyata.core.roles import COMMITMENT_WRITERS
from nyata.dashboard.models import Commitment
from nyata.planning.models import Indicator
from nyata.projects.models import Project
from nyata.reporting.models import ScoreSnapshot


def _baseline(agency: Agency, year: int, quarter: int, indicator: Any) -> tuple[float | None, float | None]:
    snap = ScoreSnapshot.objects.filter(agency=agency, year=year, quarter=quarter).first()
    if snap is None:
        return None, None
    ach = None
    if indicator is not None:
        entry = next((i for i in snap.indicators if i.get("indicator") == indicator.code), None)
        ach = entry.get("ytd_achievement") if entry else None
    return snap.score, ach


@transaction.atomic
def commitment_create(*, actor: User | None, pemda: Pemda, year: int, quarter: int, meeting_date: dt.date,
                      agency: Agency, what: str, owner: str, due: dt.date, indicator: Indicator | None = None,
                      project: Project | None = None, is_illustrative: bool = False) -> Commitment:
    """Record one decision of the coordination meeting, with the data it starts from."""
    require(actor, pemda.pk, COMMITMENT_WRITERS)
    if not what.strip():
        raise ValidationError({"what": _("Isi keputusan atau komitmen.")})
    if not owner.strip():
        raise ValidationError({"owner": _("Isi penanggung jawab.")})
    if due < meeting_date:
        raise ValidationError({"due": _("Tenggat tidak boleh sebelum tanggal rapat.")})
    if indicator is not None and indicator.agency_id not in (None, agency.pk):
        raise ValidationError({"indicator": _("Indikator ini milik perangkat daerah lain.")})
    score, ach = _baseline(agency, year, quarter, indicator)
    c = Commitment(pemda=pemda, year=year, quarter=quarter, meeting_date=meeting_date, agency=agency,
                   indicator=indicator, project=project, what=what.strip(), owner=owner.strip(), due=due,
                   baseline_score=score, baseline_achievement=ach, created_by=actor,
                   is_illustrative=is_illustrative)
    c.full_clean()
    c.save()
    audit.record_create(actor, c, action="nyata.dashboard.commitment.create")
    return c


@transaction.atomic
def commitment_set_state(*, actor: User | None, commitment: Commitment, state: str, note: str = "") -> Commitment:
    require(actor, commitment.pemda_id, COMMITMENT_WRITERS)
    if state not in Commitment.State.values:
        raise ValidationError({"state": _("Status komitmen tidak dikenal.")})
    if state != Commitment.State.OPEN and not note.strip():
        raise ValidationError({"state_note": _("Tulis catatan untuk status '%(s)s'.") % {
            "s": Commitment.State(state).label}})
    before = audit.snapshot(commitment)
    commitment.state = state
    commitment.state_note = note.strip()
    commitment.save(update_fields=["state", "state_note"])
    audit.record_update(actor, commitment, before, action="nyata.dashboard.commitment.set_state")
    return commitment
