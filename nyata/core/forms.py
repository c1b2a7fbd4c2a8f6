from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from nyata.core.actions import check_fiscal_year
from nyata.core.models import Agency, Assignment, FiscalYear, Membership, Official, Pemda, Position, Unit, User
from nyata.core.roles import GRANTABLE_ROLES, SIGN_IN_FACTOR_OPTIONAL_ROLES, Role
from nyata.core.tenancy import unscoped
from nyata.core.xlsx import number_message, parse_decimal
from nyata.numbers import NumberError


class NumberField(forms.DecimalField):
    """A decimal read by the one number reader: 85,5 · 1.234,5 · 85.5 · 1,234.5 (ambiguous refused)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = parse_decimal(value, decimals=self.decimal_places, low=_dec(self.min_value),
                                   high=_dec(self.max_value))
        except NumberError as e:
            raise forms.ValidationError(number_message(e), code="invalid") from None
        return number

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)  # a text box: a decimal comma must be typeable
        attrs.setdefault("inputmode", "decimal")
        return attrs


class WholeNumberField(forms.IntegerField):
    """A whole number read by the one number reader (1.234 or 1,234 → 1234 for a count)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = parse_decimal(value, decimals=0, low=_dec(self.min_value), high=_dec(self.max_value))
        except NumberError as e:
            raise forms.ValidationError(number_message(e), code="invalid") from None
        if number != number.to_integral_value():
            raise forms.ValidationError(_("Isikan bilangan bulat."), code="invalid")
        return int(number)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "numeric")
        return attrs


def _dec(v: Any) -> Any:
    from decimal import Decimal

    return None if v is None else Decimal(str(v))


def human_numbers(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Model form fields for numbers go through the one reader (years stay plain integers)."""
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=NumberField, **kwargs)
    if isinstance(db_field, models.IntegerField) and not db_field.choices and "year" not in db_field.name \
            and not isinstance(db_field, models.AutoField):
        return db_field.formfield(form_class=WholeNumberField, **kwargs)
    return db_field.formfield(**kwargs)


class TenantModelForm(forms.ModelForm):
    """A ModelForm whose related choices are limited to the active Pemda (scoped managers), and
    whose numbers are read by the one number reader."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Runs before the ModelForm metaclass builds the fields from Meta: every model form
        # reads its numbers with the one reader unless its Meta says otherwise.
        meta = cls.__dict__.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(human_numbers)
        super().__init_subclass__(**kwargs)

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
        exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]  # BaseModelForm private, missing from django-stubs
        exclude.discard("pemda")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as e:
            self._update_errors(e)  # type: ignore[attr-defined]  # BaseModelForm private, missing from django-stubs


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

    def clean_year(self) -> int:
        year = int(self.cleaned_data["year"])
        try:
            check_fiscal_year(year)
        except forms.ValidationError as e:
            raise forms.ValidationError(e.message_dict["year"]) from None
        return year


class MembershipForm(TenantModelForm):
    username = forms.CharField(label=_("nama pengguna"), max_length=150)

    class Meta:
        model = Membership
        fields = ["role", "agency"]

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
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
class LoginForm(AuthenticationForm):
    """Sign-in that refuses a user whose every Pemda is suspended (nothing is deleted)."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "is_platform_operator", False):
            return
        with unscoped():
            pemdas = list(Pemda.objects.filter(pk__in=Membership.objects.filter(user=user).values("pemda_id")))
        if pemdas and all(p.suspended_at is not None for p in pemdas):
            raise forms.ValidationError(
                _("Pemda %(p)s sedang ditangguhkan; akun Anda tidak dapat masuk. Hubungi operator platform.")
                % {"p": ", ".join(p.name for p in pemdas)},
                code="suspended",
            )


class PemdaRegisterForm(forms.Form):
    code = forms.CharField(label=_("kode wilayah Kemendagri"), max_length=13,
                           help_text=_("Provinsi dua digit (16); kabupaten/kota dengan titik (16.07)."))
    name = forms.CharField(label=_("nama"), max_length=200, help_text=_("Misalnya: Kabupaten Banyuasin."))
    kind = forms.ChoiceField(label=_("jenis"), choices=Pemda.Kind.choices)
    parent = forms.CharField(label=_("kode provinsi induk"), max_length=13, required=False,
                             help_text=_("Untuk kabupaten/kota; kosongkan untuk provinsi."))
    public_base_url = forms.URLField(label=_("alamat publik"), required=False, max_length=200, assume_scheme="https",
                                     help_text=_("Alamat yang dicetak pada kode QR, misalnya https://kinerja.contohkab.go.id."))
    admin_username = forms.CharField(label=_("nama pengguna admin kinerja"), max_length=150)
    admin_name = forms.CharField(label=_("nama admin kinerja"), max_length=200)
    admin_email = forms.EmailField(label=_("e-mail admin kinerja"))


class InviteForm(forms.Form):
    username = forms.CharField(label=_("nama pengguna"), max_length=150)
    name = forms.CharField(label=_("nama lengkap"), max_length=200)
    email = forms.EmailField(label=_("e-mail"))
    nip = forms.CharField(label=_("NIP"), max_length=18, required=False,
                          help_text=_("Isi bila pengguna adalah pejabat: akunnya ditautkan ke pejabat ber-NIP ini."))
    role = forms.ChoiceField(label=_("peran"))
    agency = forms.ModelChoiceField(label=_("perangkat daerah"), queryset=Agency.objects.all(), required=False,
                                    help_text=_("Wajib untuk kepala dan operator perangkat daerah."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [  # type: ignore[attr-defined] # a ChoiceField
            (r.value, r.label) for r in Role if r in GRANTABLE_ROLES
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("peran"))
    agency = forms.ModelChoiceField(label=_("perangkat daerah"), queryset=Agency.objects.all(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [  # type: ignore[attr-defined] # a ChoiceField
            (r.value, r.label) for r in Role if r in GRANTABLE_ROLES
        ]


class OfficialLinkForm(forms.Form):
    official = forms.ModelChoiceField(label=_("pejabat"), queryset=Official.objects.all(), required=False,
                                      help_text=_("Pengguna menandatangani sebagai pejabat ini, di jabatan mana pun "
                                                  "yang sedang dipegangnya."))


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class PemdaProfileForm(forms.ModelForm):
    sign_in_factor_roles = forms.TypedMultipleChoiceField(
        label=_("peran lain yang masuk dengan kode autentikator"),
        choices=[(r.value, r.label) for r in Role if r in SIGN_IN_FACTOR_OPTIONAL_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Admin kinerja, inspektorat dan operator platform selalu memasukkan kode dari aplikasi "
                    "autentikator setelah kata sandi; peran yang dicentang di sini juga."),
    )

    class Meta:
        model = Pemda
        fields = ["name", "capital", "head_title", "public_base_url", "logo", "sign_in_factor_roles"]
        field_classes = {"public_base_url": HttpsURLField}

    def clean_sign_in_factor_roles(self) -> list[str]:
        # Stored in the roles' own order, so the same choice is always the same value in the audit trail.
        chosen = set(self.cleaned_data.get("sign_in_factor_roles") or ())
        return [r.value for r in Role if r in chosen]


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"))
