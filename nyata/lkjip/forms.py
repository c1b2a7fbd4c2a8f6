from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nyata.lkjip.models import REASON_MAX


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=REASON_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
