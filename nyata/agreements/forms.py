"""Forms of the agreements pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nyata.agreements.models import Agreement

# A sealed PK is a few dozen kilobytes; the cap bounds what an anonymous visitor can make the
# server parse (about a second of CPU per megabyte).
MAX_UPLOAD_MB = 2
MAX_UPLOAD = MAX_UPLOAD_MB * 1024 * 1024


class SignForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Kode autentikator (6 digit)"), max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirm = forms.BooleanField(label=_("Saya telah membaca dokumen dan menyetujui isinya."))


class AmendForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan perubahan"), choices=Agreement.AmendmentReason.choices)
    note = forms.CharField(label=_("Keterangan"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class CeremonyForm(forms.Form):
    name = forms.CharField(label=_("Nama acara"), max_length=300)
    place = forms.CharField(label=_("Tempat"), max_length=200)
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    year = forms.IntegerField(label=_("Tahun perjanjian"), min_value=2000, max_value=2100)


class VerifyUploadForm(forms.Form):
    berkas = forms.FileField(label=_("Berkas PDF"))

    def clean_berkas(self) -> object:
        f = self.cleaned_data["berkas"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(too_large_message())
        head = f.read(5)
        f.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("Berkas ini bukan PDF."))
        return f


def too_large_message() -> str:
    return _("Berkas terlalu besar (paling besar %(n)d MB); dokumen bersegel biasanya di bawah 1 MB.") % {
        "n": MAX_UPLOAD_MB}
