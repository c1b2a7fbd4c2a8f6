"""The performance admin's page for closing and reopening a fiscal year."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nyata.core.access import NyataRequest, policy
from nyata.core.models import FiscalYear
from nyata.core.roles import ADMINS
from nyata.lkjip import actions
from nyata.lkjip.closing import year_gaps
from nyata.lkjip.forms import ReasonForm
from nyata.lkjip.models import YearClosing


@policy(ADMINS, ADMINS)
def year_closing(request: NyataRequest, year: int) -> HttpResponse:
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is None:
        raise Http404
    closed = fiscal_year.state == FiscalYear.State.CLOSED
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if closed:
                actions.fiscal_year_reopen(actor=request.user, fiscal_year=fiscal_year, reason=reason)
                done = _("Tahun anggaran %(year)s dibuka kembali; perubahan dicatat.")
            else:
                actions.fiscal_year_close(actor=request.user, fiscal_year=fiscal_year, reason=reason)
                done = _("Tahun anggaran %(year)s ditutup; nilai, skor dan aturannya dibekukan.")
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            messages.success(request, done % {"year": fiscal_year.year})
            return redirect("year_closing", year=fiscal_year.year)
    history = YearClosing.objects.filter(fiscal_year=fiscal_year).select_related("actor").order_by("-at", "-pk")
    return render(
        request,
        "lkjip/year_closing.html",
        {
            "fiscal_year": fiscal_year,
            "closed": closed,
            "gaps": [] if closed else year_gaps(fiscal_year),
            "history": history,
            "form": form,
            "years": FiscalYear.objects.order_by("-year"),
        },
        status=400 if form.is_bound else 200,
    )
