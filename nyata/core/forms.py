from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from nyata.core.models import Agency, Assignment, FiscalYear, Membership, Official, Position, Unit


class TenantModelForm(forms.ModelForm):
    """A ModelForm whose related choices are limited to the active Pemda (scoped managers)."""

    def __init__(self, *args: Any, pemda: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.pemda = pemda
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
                model = field.queryset.model
                field.queryset = model._default_manager.all()
            field.widget.attrs.setdefault("class", "input")

    def validate_unique(self) -> None:
        # The tenant column is not a form field; validate the composite keys anyway.
        exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
        exclude.discard("pemda")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as e:
            self._update_errors(e)  # type: ignore[attr-defined]


class AgencyForm(TenantModelForm):
    class Meta:
        model = Agency
        fields = ["code", "name", "abbreviation", "kind", "is_active"]


class UnitForm(TenantModelForm):
    class Meta:
        model = Unit
        fields = ["agency", "parent", "name", "kind"]


class PositionForm(TenantModelForm):
    class Meta:
        model = Position
        fields = ["code", "name", "level", "agency", "unit", "superior", "is_agency_head"]


class OfficialForm(TenantModelForm):
    class Meta:
        model = Official
        fields = ["name", "nip", "sex", "is_illustrative"]


class AssignmentForm(TenantModelForm):
    class Meta:
        model = Assignment
        fields = ["official", "position", "start", "end", "acting", "decree"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }


class FiscalYearForm(TenantModelForm):
    class Meta:
        model = FiscalYear
        fields = ["year", "state"]


class MembershipForm(TenantModelForm):
    username = forms.CharField(label=_("nama pengguna"), max_length=150)

    class Meta:
        model = Membership
        fields = ["role", "agency"]

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(_("Pengguna %(u)s tidak ditemukan.") % {"u": name})
        self.instance.user = user
        return name


class UploadForm(forms.Form):
    file = forms.FileField(label=_("berkas Excel (.xlsx)"))


class CountedPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the current-password check counted by the sign-in lockout."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        from nyata.core.security_events import check_current_password

        old: str = self.cleaned_data["old_password"]
        if not check_current_password(self.request, self.user, old):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old
