"""Pages of the onboarding app: the setup checklist and the Pemda's own rules per year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nyata.agreements.models import Agreement, AgreementIndicator
from nyata.agreements.services import current_agreements
from nyata.core.access import NyataRequest, policy
from nyata.core.forms import NumberField
from nyata.core.models import Agency, FiscalYear, Quarter, YearRules
from nyata.core.periods import year_is_closed
from nyata.core.roles import ADMINS
from nyata.onboarding import actions, checklist
from nyata.products import ikm
from nyata.reporting.scores import year_rules as rules_of
from nyata.scoring import ScoringConfig

ROMAN = actions.ROMAN


@policy(ADMINS)
def setup_checklist(request: NyataRequest) -> HttpResponse:
    year = checklist.setup_year()
    steps = checklist.steps(request.pemda, year)
    done = all(s.done for s in steps)
    if steps[-1].done and request.pemda.setup_done_at is None:
        actions.pemda_setup_done(actor=request.user, pemda=request.pemda)
    current = next((s for s in steps if not s.done), None)
    return render(
        request, "onboarding/checklist.html", {"steps": steps, "year": year, "done": done, "current": current}
    )


class RulesForm(forms.Form):
    cap = forms.ChoiceField(label=gettext_lazy("batas atas capaian untuk skor"), choices=YearRules.Cap.choices)
    lower_formula = forms.ChoiceField(
        label=gettext_lazy("rumus indikator makin kecil makin baik"), choices=YearRules.LowerFormula.choices
    )
    very_high_from = NumberField(label=gettext_lazy("Sangat Tinggi mulai"), max_digits=6, decimal_places=2)
    high_from = NumberField(label=gettext_lazy("Tinggi mulai"), max_digits=6, decimal_places=2)
    medium_from = NumberField(label=gettext_lazy("Sedang mulai"), max_digits=6, decimal_places=2)
    low_from = NumberField(label=gettext_lazy("Rendah mulai"), max_digits=6, decimal_places=2)
    ikm_weighting = forms.ChoiceField(label=gettext_lazy("bobot unsur IKM"), choices=YearRules.IkmWeighting.choices)
    ikm_a_from = NumberField(label=gettext_lazy("IKM mutu A mulai"), max_digits=5, decimal_places=2)
    ikm_b_from = NumberField(label=gettext_lazy("IKM mutu B mulai"), max_digits=5, decimal_places=2)
    ikm_c_from = NumberField(label=gettext_lazy("IKM mutu C mulai"), max_digits=5, decimal_places=2)
    iid_very_innovative_from = NumberField(
        label=gettext_lazy("IID Sangat Inovatif mulai"), max_digits=5, decimal_places=2
    )
    iid_innovative_from = NumberField(label=gettext_lazy("IID Inovatif mulai"), max_digits=5, decimal_places=2)
    reason = forms.CharField(
        label=gettext_lazy("alasan perubahan"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Wajib bila tahun ini sudah punya data terverifikasi."),
    )

    def __init__(self, *args: Any, quarters: list[Quarter], weights: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in quarters:
            self.fields[f"deadline_{q.number}"] = forms.DateField(
                label=_("batas laporan TW %(n)s") % {"n": ROMAN[q.number - 1]},
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                initial=q.report_deadline,
            )
        self.weight_rows = weights
        for row in weights:
            for ind in row["indicators"]:
                self.fields[ind["field"]] = NumberField(
                    label=f"{row['agency'].code} · {ind['code']}", max_digits=8, decimal_places=3, initial=ind["weight"]
                )

    def deadline_fields(self) -> list[BoundField]:
        return [self[k] for k in self.fields if k.startswith("deadline_")]


def _weight_rows(year: int, rules: YearRules | None) -> list[dict[str, Any]]:
    """Per agency with a PK this year, its indicators and their weights (1 unless set)."""
    pk_of = current_agreements(year)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=pk_of)}
    by_agreement = {v: k for k, v in pk_of.items()}
    rows: dict[int, dict[str, Any]] = {}
    for ai in (
        AgreementIndicator.objects.filter(agreement_id__in=pk_of.values())
        .select_related("indicator")
        .order_by("agreement_id", "order")
    ):
        agency_id = by_agreement[ai.agreement_id]
        row = rows.setdefault(agency_id, {"agency": agencies[agency_id], "indicators": []})
        code = ai.indicator.code
        weight = rules.weight(agency_id, code) if rules else None
        row["indicators"].append(
            {"code": code, "name": ai.name, "weight": Decimal(str(weight or 1)), "field": f"w_{agency_id}_{code}"}
        )
    return [rows[k] for k in sorted(rows, key=lambda k: agencies[k].code)]


def _initial(year: int, rules: YearRules | None) -> dict[str, Any]:
    """What is in force for the year: the Pemda's rules, else the defaults (engine, regulation)."""
    base = ScoringConfig()
    bands = ikm.IKM_BANDS
    iid = ikm.iid_predicates(year)
    th = rules.thresholds() if rules else None
    th = th or base.thresholds
    return {
        "cap": (rules.cap if rules and rules.cap else None),
        "lower_formula": (rules.lower_formula if rules and rules.lower_formula else base.lower_formula.value),
        "very_high_from": Decimal(str(th[0])),
        "high_from": Decimal(str(th[1])),
        "medium_from": Decimal(str(th[2])),
        "low_from": Decimal(str(th[3])),
        "ikm_weighting": (rules.ikm_weighting if rules and rules.ikm_weighting else ikm.EXACT),
        "ikm_a_from": rules.ikm_a_from if rules and rules.ikm_a_from is not None else bands[0][0],
        "ikm_b_from": rules.ikm_b_from if rules and rules.ikm_b_from is not None else bands[1][0],
        "ikm_c_from": rules.ikm_c_from if rules and rules.ikm_c_from is not None else bands[2][0],
        "iid_very_innovative_from": (
            rules.iid_very_innovative_from
            if rules and rules.iid_very_innovative_from is not None
            else iid.very_innovative_from
        ),
        "iid_innovative_from": (
            rules.iid_innovative_from if rules and rules.iid_innovative_from is not None else iid.innovative_from
        ),
    }


@policy(ADMINS)
def year_rules_home(request: NyataRequest) -> HttpResponse:
    years = list(FiscalYear.objects.order_by("-year"))
    if not years:
        return render(request, "onboarding/rules_empty.html")
    open_years = [y for y in years if y.state != FiscalYear.State.CLOSED]
    return redirect("year_rules", year=(open_years or years)[0].year)


@policy(ADMINS, ADMINS)
def year_rules(request: NyataRequest, year: int) -> HttpResponse:
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is None:
        raise Http404
    rules = rules_of(year)
    quarters = list(Quarter.objects.filter(fiscal_year=fiscal_year).order_by("number"))
    weights = _weight_rows(year, rules)
    initial = _initial(year, rules)
    if not initial["cap"]:
        cap = request.pemda.score_cap
        initial["cap"] = str(cap) if cap in (100, 110, 120) else YearRules.Cap.NONE
    frozen = year_is_closed(request.pemda, fiscal_year.year)
    form = RulesForm(
        request.POST if request.method == "POST" else None, initial=initial, quarters=quarters, weights=weights
    )
    if frozen:
        for f in form.fields.values():
            f.disabled = True
    if request.method == "POST" and not frozen and form.is_valid():
        d = form.cleaned_data
        values = {k: d[k] for k in actions.RULE_FIELDS if k != "weights"}
        values["weights"] = {
            str(row["agency"].pk): {ind["code"]: d[ind["field"]] for ind in row["indicators"]} for row in weights
        }
        deadlines: dict[int, dt.date] = {q.number: d[f"deadline_{q.number}"] for q in quarters}
        try:
            actions.year_rules_save(
                actor=request.user,
                pemda=request.pemda,
                fiscal_year=fiscal_year,
                values=values,
                deadlines=deadlines,
                reason=d.get("reason") or "",
            )
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            messages.success(
                request, _("Aturan tahun %(y)s disimpan; skor tahun itu dihitung ulang.") % {"y": fiscal_year.year}
            )
            return redirect("year_rules", year=fiscal_year.year)
    elif request.method == "POST" and frozen:
        messages.error(request, _("Tahun %(y)s sudah ditutup; aturannya dibekukan.") % {"y": fiscal_year.year})
    return render(
        request,
        "onboarding/rules.html",
        {
            "form": form,
            "fiscal_year": fiscal_year,
            "years": FiscalYear.objects.order_by("-year"),
            "frozen": frozen,
            "verified": actions.has_verified_data(year),
            "weights": weights,
            "has_pk": Agreement.objects.filter(year=year).exists(),
        },
        status=400 if form.errors else 200,
    )
