from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nyata.core.forms import TenantModelForm
from nyata.core.typealiases import FormData
from nyata.projects.models import (
    Dependency,
    FundingSource,
    Milestone,
    Partnership,
    ProgressReport,
    Project,
    ShowCauseMeeting,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach an action's refusal to the form: to its field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class ProjectForm(TenantModelForm):
    class Meta:
        model = Project
        fields = ["code", "name", "owner_agency", "supporting_agencies", "location",
                  "location_detail", "start", "end", "status", "objectives", "indicators",
                  "description", "sources", "is_illustrative"]
        widgets = {"start": DATE, "end": DATE}

    def action_fields(self) -> FormData:
        """Everything the create/update actions take (links included)."""
        return dict(self.cleaned_data)


class MilestoneForm(TenantModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "agency", "planned_date", "weight", "is_illustrative"]
        widgets = {"planned_date": DATE}


class MilestoneDoneForm(forms.Form):
    actual_date = forms.DateField(label=_("tanggal tercapai"), widget=DATE)


class FundingForm(TenantModelForm):
    class Meta:
        model = FundingSource
        fields = ["kind", "amount", "note", "is_illustrative"]


class ProgressForm(TenantModelForm):
    month = forms.DateField(label=_("bulan"), input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))

    class Meta:
        model = ProgressReport
        fields = ["month", "planned_physical", "actual_physical", "spent", "forecast_completion",
                  "correction_note", "is_illustrative"]
        widgets = {"forecast_completion": DATE}


class MeetingForm(TenantModelForm):
    class Meta:
        model = ShowCauseMeeting
        fields = ["stage", "date", "decisions", "deadline", "outcome", "warning_letter",
                  "is_illustrative"]
        widgets = {"date": DATE, "deadline": DATE}


class MilestoneChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.project} ({obj.agency})"


class DependencyForm(TenantModelForm):
    downstream = MilestoneChoice(queryset=Milestone.objects.all(), label=_("tonggak proyek ini"))
    upstream = MilestoneChoice(queryset=Milestone.objects.all(), label=_("bergantung pada"))

    class Meta:
        model = Dependency
        fields = ["downstream", "upstream", "note"]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        down, up = self.fields["downstream"], self.fields["upstream"]
        assert isinstance(down, forms.ModelChoiceField) and isinstance(up, forms.ModelChoiceField)
        down.queryset = Milestone.objects.filter(project=project).select_related("project", "agency")
        up.queryset = Milestone.objects.select_related("project", "agency")

    def validate_unique(self) -> None:
        # The action checks duplicates and cycles with a message naming the items.
        pass


class PartnershipForm(TenantModelForm):
    class Meta:
        model = Partnership
        fields = ["partner", "kind", "value", "status", "signed_on", "agency", "project",
                  "product", "description", "source", "is_illustrative"]
        widgets = {"signed_on": DATE}
