from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nyata.core.forms import TenantModelForm
from nyata.core.models import Agency
from nyata.products import ikm
from nyata.products.models import ELEMENT_LABELS, Innovation, Survey

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InnovationForm(TenantModelForm):
    class Meta:
        model = Innovation
        fields = ["agency", "year", "is_flagship", "name", "kind", "problem", "solution",
                  "beneficiaries", "beneficiaries_target", "beneficiaries_reached", "location",
                  "location_note", "stage", "launch_year", "initiated_on", "trial_on",
                  "implemented_on", "indicators", "partnerships", "partners", "budget", "recognition",
                  "source_url", "is_public"]
        widgets = {"initiated_on": DATE, "trial_on": DATE, "implemented_on": DATE,
                   "problem": forms.Textarea(attrs={"rows": 3}),
                   "solution": forms.Textarea(attrs={"rows": 3}),
                   "partners": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, agencies: QuerySet[Agency], can_publish: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        if not can_publish:
            del self.fields["is_public"]


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("judul dokumen"), max_length=200)
    criterion = forms.ChoiceField(label=_("kriteria IID"), required=False)
    file = forms.FileField(label=_("berkas (PDF, PNG atau JPEG, maks. 5 MB)"))

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["criterion"]).choices = [("", _("Umum (bukan kriteria tertentu)"))] + [
            (c.key, c.label) for c in ikm.iid_criteria(year)]


LEVELS = [(0, _("0 — tidak ada")), (1, _("1 — ada, sebagian")), (2, _("2 — ada, lengkap")),
          (3, _("3 — lengkap dan terbukti berdampak"))]


class IidForm(forms.Form):
    def __init__(self, *args: Any, year: int, initial_levels: dict[str, tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = ikm.iid_criteria(year)
        for c in self.criteria:
            level, note = initial_levels.get(c.key, (0, ""))
            self.fields[f"level_{c.key}"] = forms.TypedChoiceField(
                label=c.label, choices=LEVELS, coerce=int, initial=level, required=False,
                help_text=_("Bukti dukung: %(e)s") % {"e": c.evidence})
            self.fields[f"note_{c.key}"] = forms.CharField(
                label=_("Catatan: %(c)s") % {"c": c.label}, required=False, initial=note,
                widget=forms.Textarea(attrs={"rows": 1}))

    def answers(self) -> dict[str, tuple[int, str]]:
        return {c.key: (self.cleaned_data[f"level_{c.key}"] or 0, self.cleaned_data[f"note_{c.key}"])
                for c in self.criteria}


class SurveyForm(TenantModelForm):
    class Meta:
        model = Survey
        fields = ["year", "population", "weighting", "is_open"]


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Setujui")), ("reject", _("Tolak"))])


SCALE_CHOICES = [(1, _("1 — tidak baik")), (2, _("2 — kurang baik")), (3, _("3 — baik")),
                 (4, _("4 — sangat baik"))]


class SurveyResponseForm(forms.Form):
    """The public answer sheet: nine required elements, an optional comment, a honeypot."""

    comment = forms.CharField(label=_("Komentar atau saran (opsional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
                              help_text=_("Teks biasa saja; komentar ditampilkan setelah dimoderasi. "
                                          "Jangan menulis data pribadi."))
    # Honeypot: hidden from people by CSS (portal.css), left empty by them; bots fill it.
    website = forms.CharField(label=_("Jangan diisi"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        elements = {
            key: forms.TypedChoiceField(
                label=f"U{i}. {ELEMENT_LABELS[key]}", choices=SCALE_CHOICES, coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Unsur ini wajib dijawab (1–4)."),
                                "invalid_choice": _("Jawaban harus antara 1 dan 4.")})
            for i, key in enumerate(ikm.ELEMENT_KEYS, start=1)
        }
        self.fields = {**elements, **self.fields}

    def element_fields(self) -> list[forms.BoundField]:
        return [self[k] for k in ikm.ELEMENT_KEYS]
