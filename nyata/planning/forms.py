"""Forms of the planning pages. Related choices are narrowed to one plan period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from nyata.core.forms import TenantModelForm
from nyata.core.params import as_int
from nyata.core.typealiases import FormData
from nyata.core.xlsx import number_message, parse_decimal
from nyata.numbers import NumberError
from nyata.planning.models import (
    OWNER_KINDS,
    Activity,
    AgencyObjective,
    Goal,
    Indicator,
    Mission,
    Objective,
    PlanPeriod,
    Program,
    SubActivity,
)


class DecimalText(forms.CharField):
    """A number as Indonesians write it (85,5 or 1.234,5) or with a point."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # a CharField that cleans to a number
        text = super().to_python(value)
        if not text:
            return None
        try:
            number = parse_decimal(text)
        except NumberError as e:
            raise forms.ValidationError(number_message(e)) from None
        if number != number.quantize(Decimal("0.0001")):
            raise forms.ValidationError(_("Paling banyak 4 angka desimal."))
        return number


class PeriodForm(TenantModelForm):
    class Meta:
        model = PlanPeriod
        fields = ["kind", "name", "start_year", "end_year", "tagline", "vision", "is_current",
                  "is_illustrative"]


class _InPeriod(TenantModelForm):
    """A plan row whose period is given by the page; related choices stay inside it."""

    period_fields: dict[str, str] = {}

    def __init__(self, *args: Any, period: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.period = period
        for name, lookup in self.period_fields.items():
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = field.queryset.filter(**{lookup: period})  # type: ignore[union-attr]  # a model field's queryset is never None


class MissionForm(_InPeriod):
    class Meta:
        model = Mission
        fields = ["number", "text"]


class GoalForm(_InPeriod):
    period_fields = {"mission": "period"}

    class Meta:
        model = Goal
        fields = ["code", "name", "mission"]


class ObjectiveForm(_InPeriod):
    period_fields = {"goal": "period"}

    class Meta:
        model = Objective
        fields = ["code", "name", "goal", "is_illustrative"]


class AgencyObjectiveForm(_InPeriod):
    period_fields = {"parent": "period"}
    serves_objectives = forms.ModelMultipleChoiceField(
        Objective.objects.all(), required=False, label=_("mendukung sasaran strategis"),
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AgencyObjective
        fields = ["agency", "code", "name", "parent", "is_illustrative"]

    def __init__(self, *args: Any, period: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, period=period, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["serves_objectives"])
        field.queryset = Objective.objects.filter(period=period)
        field.widget.attrs.pop("class", None)
        if self.instance.pk:
            field.initial = list(self.instance.serves.all())


class IndicatorForm(_InPeriod):
    owner = forms.ChoiceField(label=_("melekat pada"))
    baseline_value = DecimalText(label=_("nilai kondisi awal"), required=False)

    class Meta:
        model = Indicator
        fields = ["owner", "code", "name", "definition", "formula", "unit", "level", "polarity",
                  "aggregation", "decimals", "value_min", "value_max", "data_source", "responsible_agency",
                  "baseline_year", "baseline_value", "serves", "rolls_up", "is_key", "is_illustrative"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 2}),
                   "formula": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, period: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, period=period, **kwargs)
        choices: list[tuple[Any, Any]] = [("", "---------")]
        choices.append((_("Tujuan"), [(f"goal:{g.pk}", str(g)) for g in
                                      Goal.objects.filter(period=period)]))
        choices.append((_("Sasaran strategis"), [(f"objective:{o.pk}", str(o)) for o in
                                                 Objective.objects.filter(period=period)]))
        choices.append((_("Sasaran perangkat daerah"), [
            (f"agency_objective:{a.pk}", f"{a} — {a.agency}") for a in
            AgencyObjective.objects.filter(period=period).select_related("agency")]))
        choices.append((_("Program"), [
            (f"program:{p.pk}", f"{p} — {p.agency}") for p in
            Program.objects.filter(period=period).select_related("agency")]))
        choices.append((_("Kegiatan"), [
            (f"activity:{a.pk}", f"{a} — {a.program.agency}") for a in
            Activity.objects.filter(program__period=period).select_related("program__agency")]))
        choices.append((_("Sub kegiatan"), [
            (f"sub_activity:{x.pk}", f"{x} — {x.activity.program.agency}") for x in
            SubActivity.objects.filter(activity__program__period=period)
            .select_related("activity__program__agency")]))
        cast(forms.ChoiceField, self.fields["owner"]).choices = choices
        serves = cast(forms.ModelChoiceField, self.fields["serves"])
        serves.queryset = Indicator.objects.filter(period=period)
        if self.instance.pk:
            serves.queryset = serves.queryset.exclude(pk=self.instance.pk)
        i = self.instance
        if i.pk:
            kind = next(k for k in OWNER_KINDS if getattr(i, f"{k}_id"))
            self.fields["owner"].initial = f"{kind}:{getattr(i, f'{kind}_id')}"
            self.initial["baseline_value"] = i.baseline_value

    def clean(self) -> FormData:
        data = super().clean() or {}
        kind, _sep, pk = (data.get("owner") or "").partition(":")
        period = self.instance.period
        qs: Any = {"goal": Goal.objects.filter(period=period),
                   "objective": Objective.objects.filter(period=period),
                   "agency_objective": AgencyObjective.objects.filter(period=period),
                   "program": Program.objects.filter(period=period),
                   "activity": Activity.objects.filter(program__period=period),
                   "sub_activity": SubActivity.objects.filter(activity__program__period=period)}.get(kind)
        owner = qs.filter(pk=as_int(pk)).first() if qs is not None and as_int(pk) is not None else None
        if owner is None:
            self.add_error("owner", _("Pilih tujuan, sasaran, program, kegiatan, atau sub kegiatan pemilik "
                                      "indikator."))
            return data
        for k in OWNER_KINDS:
            setattr(self.instance, k, owner if k == kind else None)
        self.instance.agency_id = self.instance.owner_agency_id()
        return data



class TargetForm(forms.Form):
    year = forms.TypedChoiceField(label=_("tahun"), coerce=int)
    value = DecimalText(label=_("target (batas bawah untuk rentang)"))
    value_high = DecimalText(label=_("batas atas rentang"), required=False)
    is_illustrative = forms.BooleanField(label=_("data ilustratif"), required=False)

    def __init__(self, *args: Any, period: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, str(y)) for y in period.years]


class QuarterTargetForm(forms.Form):
    year = forms.TypedChoiceField(label=_("tahun"), coerce=int)
    quarter = forms.TypedChoiceField(label=_("triwulan"), coerce=int,
                                     choices=[(q, q) for q in range(1, 5)])
    value = DecimalText(label=_("target triwulan"))

    def __init__(self, *args: Any, period: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, str(y)) for y in period.years]


class ActualForm(forms.Form):
    year = forms.IntegerField(label=_("tahun"), min_value=1900, max_value=2100)
    value = DecimalText(label=_("realisasi"))
    source = forms.CharField(label=_("sumber"), required=False, max_length=500)


def _unit_label(unit: Any) -> str:
    return f"{unit.agency} — {unit}"


def _label_units(form: forms.ModelForm[Any]) -> None:
    """Units are named within their agency: show which agency (the action checks it matches)."""
    field = cast(forms.ModelChoiceField, form.fields["unit"])
    field.queryset = field.queryset.select_related("agency")  # type: ignore[union-attr]  # a model field's queryset is never None
    field.label_from_instance = _unit_label  # type: ignore[method-assign,assignment]  # Django's documented per-instance hook


class ProgramForm(_InPeriod):
    period_fields = {"agency_objective": "period"}

    def __init__(self, *args: Any, period: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, period=period, **kwargs)
        _label_units(self)

    class Meta:
        model = Program
        fields = ["agency", "code", "name", "agency_objective", "unit", "is_illustrative"]


class ActivityForm(_InPeriod):
    period_fields = {"program": "period"}

    class Meta:
        model = Activity
        fields = ["program", "code", "name", "unit"]

    def __init__(self, *args: Any, period: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, period=period, **kwargs)
        self.instance.__dict__.pop("period", None)  # activities have no period column
        _label_units(self)


class SubActivityForm(_InPeriod):
    period_fields = {"activity": "program__period"}

    class Meta:
        model = SubActivity
        fields = ["activity", "code", "name", "unit"]

    def __init__(self, *args: Any, period: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, period=period, **kwargs)
        self.instance.__dict__.pop("period", None)
        _label_units(self)


class CeilingForm(forms.Form):
    item = forms.ChoiceField(label=_("program / kegiatan / sub kegiatan"))
    year = forms.TypedChoiceField(label=_("tahun"), coerce=int)
    amount = DecimalText(label=_("pagu (Rp)"))
    is_illustrative = forms.BooleanField(label=_("data ilustratif"), required=False)

    def __init__(self, *args: Any, period: PlanPeriod, pemda: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.period = period
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, str(y)) for y in period.years]
        programs = Program.objects.filter(period=period).select_related("agency")
        cast(forms.ChoiceField, self.fields["item"]).choices = [("", "---------")] + [
            (f"program:{p.pk}", f"{p.agency} — {p}") for p in programs] + [
            (f"activity:{a.pk}", f"{a.program.agency} — {a}") for a in
            Activity.objects.filter(program__period=period).select_related("program__agency")] + [
            (f"sub_activity:{s.pk}", f"{s.activity.program.agency} — {s}") for s in
            SubActivity.objects.filter(activity__program__period=period)
            .select_related("activity__program__agency")]

    def clean_item(self) -> Program | Activity | SubActivity:
        kind, _sep, pk = self.cleaned_data["item"].partition(":")
        qs: Any = {"program": Program.objects.filter(period=self.period),
                   "activity": Activity.objects.filter(program__period=self.period),
                   "sub_activity": SubActivity.objects.filter(
                       activity__program__period=self.period)}.get(kind)
        item = qs.filter(pk=pk).first() if qs is not None else None
        if item is None:
            raise forms.ValidationError(_("Pilih program, kegiatan, atau sub kegiatan."))
        return cast("Program | Activity | SubActivity", item)


class RevisionForm(forms.Form):
    note = forms.CharField(label=_("alasan revisi"), max_length=300)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("berkas Excel (.xlsx)"))

