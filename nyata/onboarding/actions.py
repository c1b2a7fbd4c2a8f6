"""Writes of the onboarding app: the Pemda's own rules for one fiscal year."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.core import audit
from nyata.core.access import require
from nyata.core.models import FiscalYear, Pemda, Quarter, User, YearRules
from nyata.core.periods import ensure_open
from nyata.core.roles import ADMINS
from nyata.core.tenancy import tenant_scope
from nyata.core.typealiases import FormData
from nyata.reporting import scores
from nyata.reporting.models import Realisation, Status

ROMAN = ("I", "II", "III", "IV")
RULE_FIELDS = (
    "cap",
    "lower_formula",
    "very_high_from",
    "high_from",
    "medium_from",
    "low_from",
    "weights",
    "ikm_weighting",
    "ikm_a_from",
    "ikm_b_from",
    "ikm_c_from",
    "iid_very_innovative_from",
    "iid_innovative_from",
)


def has_verified_data(year: int) -> bool:
    return Realisation.objects.filter(quarter__fiscal_year__year=year, status=Status.ACCEPTED).exists()


def _descending(
    errors: dict[str, list[str]],
    values: dict[str, Any],
    keys: tuple[str, ...],
    message: str,
    low: Decimal,
    high: Decimal,
) -> None:
    given = [(k, values.get(k)) for k in keys]
    if all(v is None for _k, v in given):
        return
    missing = [k for k, v in given if v is None]
    for k in missing:
        errors.setdefault(k, []).append(_("Isi semua ambang atau kosongkan semuanya (memakai bawaan)."))
    if missing:
        return
    for k, v in given:
        if not low <= v <= high:  # type: ignore[operator]  # no None left: missing returned above
            errors.setdefault(k, []).append(_("Nilai harus antara %(a)s dan %(b)s.") % {"a": low, "b": high})
    for (_k1, v1), (k2, v2) in itertools.pairwise(given):
        if not v1 > v2:  # type: ignore[operator]  # no None left: missing returned above
            errors.setdefault(k2, []).append(message)


def validate(values: FormData, quarters: list[Quarter], deadlines: dict[int, dt.date]) -> None:
    """Thresholds ordered, weights positive, each deadline after its quarter ends."""
    errors: dict[str, list[str]] = {}
    if values.get("cap") not in {"", *YearRules.Cap.values}:
        errors.setdefault("cap", []).append(_("Pilih tanpa batas, 100, 110 atau 120."))
    if values.get("lower_formula") not in {"", *YearRules.LowerFormula.values}:
        errors.setdefault("lower_formula", []).append(_("Rumus tidak dikenal."))
    if values.get("ikm_weighting") not in {"", *YearRules.IkmWeighting.values}:
        errors.setdefault("ikm_weighting", []).append(_("Bobot unsur IKM tidak dikenal."))
    _descending(
        errors,
        values,
        ("very_high_from", "high_from", "medium_from", "low_from"),
        _("Ambang kategori harus berurutan turun: Sangat Tinggi > Tinggi > Sedang > Rendah."),
        Decimal(0),
        Decimal(1000),
    )
    _descending(
        errors,
        values,
        ("ikm_a_from", "ikm_b_from", "ikm_c_from"),
        _("Batas mutu IKM harus berurutan turun: A > B > C."),
        Decimal(25),
        Decimal(100),
    )
    _descending(
        errors,
        values,
        ("iid_very_innovative_from", "iid_innovative_from"),
        _("Ambang IID harus berurutan turun: Sangat Inovatif > Inovatif."),
        Decimal("0.01"),
        Decimal(100),
    )
    for agency_id, weights in (values.get("weights") or {}).items():
        for code, raw in weights.items():
            try:
                w = Decimal(str(raw))
            except ArithmeticError:
                w = Decimal(-1)
            if not w.is_finite() or w <= 0 or w > 1000:
                errors.setdefault(f"w_{agency_id}_{code}", []).append(
                    _("Bobot indikator %(c)s harus lebih dari 0 (paling besar 1000).") % {"c": code}
                )
    for q in quarters:
        day = deadlines.get(q.number)
        if day is not None and day <= q.end:
            errors.setdefault(f"deadline_{q.number}", []).append(
                _("Batas laporan TW %(n)s harus sesudah akhir triwulan (%(d)s).")
                % {"n": ROMAN[q.number - 1], "d": q.end.isoformat()}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def year_rules_save(
    *,
    actor: User | None,
    pemda: Pemda,
    fiscal_year: FiscalYear,
    values: FormData,
    deadlines: dict[int, dt.date],
    reason: str = "",
) -> YearRules:
    """Save the year's rules and deadlines; a year with verified data needs a reason and is rescored."""
    require(actor, pemda.pk, ADMINS)
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    ensure_open(fiscal_year, what=_("aturan tahun ini"))  # a closed year's rules are frozen
    quarters = list(Quarter.objects.filter(fiscal_year=fiscal_year).order_by("number"))
    values = {k: values.get(k) for k in RULE_FIELDS}
    for k in ("cap", "lower_formula", "ikm_weighting"):
        values[k] = values[k] or ""
    values["weights"] = {str(a): {c: str(w) for c, w in ws.items()} for a, ws in (values["weights"] or {}).items()}
    validate(values, quarters, deadlines)
    rules = YearRules.objects.filter(fiscal_year=fiscal_year).first() or YearRules(pemda=pemda, fiscal_year=fiscal_year)
    before = audit.snapshot(rules) if rules.pk else {}
    for k, v in values.items():
        setattr(rules, k, v)
    changed_quarters = [q for q in quarters if q.number in deadlines and deadlines[q.number] != q.report_deadline]
    after = audit.snapshot(rules)
    rule_changes = audit.diff({k: before.get(k) for k in RULE_FIELDS}, {k: after.get(k) for k in RULE_FIELDS})
    if not rule_changes["after"] and not rule_changes["before"] and not changed_quarters:
        return rules
    verified = has_verified_data(fiscal_year.year)
    if verified and not reason.strip():
        raise ValidationError(
            {
                "reason": _("Tahun %(y)s sudah punya data terverifikasi: tuliskan alasan perubahan.")
                % {"y": fiscal_year.year}
            }
        )
    rules.changed_at = timezone.now()
    rules.save()
    for q in changed_quarters:
        q_before = audit.snapshot(q)
        q.report_deadline = deadlines[q.number]
        q.save(update_fields=["report_deadline"])
        audit.record_update(actor, q, q_before, action="nyata.quarter.deadline_changed")
    audit.record(
        pemda=pemda,
        actor=actor,
        action="nyata.yearrules.changed",
        obj=rules,
        data={
            **rule_changes,
            "year": fiscal_year.year,
            "reason": reason.strip()[:500],
            "deadlines": {str(q.number): deadlines[q.number].isoformat() for q in changed_quarters},
            "verified_data": verified,
        },
    )
    pemda_id, year = pemda.pk, fiscal_year.year
    transaction.on_commit(lambda: _rescore(pemda_id, year))
    return rules


def _rescore(pemda_id: int, year: int) -> None:
    with tenant_scope(pemda_id):
        scores.recompute(pemda_id, year)


@transaction.atomic
def pemda_setup_done(*, actor: User | None, pemda: Pemda) -> None:
    """The first PKs are signed: the admin's home is the usual one from now on."""
    require(actor, pemda.pk, ADMINS)
    locked = Pemda.objects.select_for_update().get(pk=pemda.pk)
    if locked.setup_done_at is not None:
        return
    locked.setup_done_at = timezone.now()
    locked.save(update_fields=["setup_done_at"])
    pemda.setup_done_at = locked.setup_done_at
    audit.record(pemda=pemda, actor=actor, action="nyata.pemda.setup_done", obj=pemda)
