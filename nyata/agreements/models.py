"""Performance agreements (*Perjanjian Kinerja*, PK) and integrity pacts (*Pakta Integritas*).

An `Agreement` is one document between a first party (the official holding `position` on the
signing date) and a second party (the holder of the superior position). A PK freezes, at draft
time, the indicators, targets and program budgets it contains (`AgreementIndicator`,
`AgreementProgram`); once signed those rows never change. A signed PK changes only through an
amendment (*PK perubahan*): a new `Agreement` with `version + 1` that `supersedes` the old one;
the old one is marked `superseded` and stays readable and verifiable.

Lifecycle: draft → locked (content fixed, PDF hash taken) → signed_first → signed (sealed PDF).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nyata.core.models import Agency, Official, Position, User
from nyata.core.tenancy import TenantModel


class Ceremony(TenantModel):
    """A signing event grouping agreements and pacts (e.g. the governor's January ceremony)."""

    name = models.CharField(_("nama acara"), max_length=300)
    place = models.CharField(_("tempat"), max_length=200)
    date = models.DateField(_("tanggal"))
    year = models.PositiveSmallIntegerField(_("tahun perjanjian"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("acara penandatanganan")
        verbose_name_plural = _("acara penandatanganan")

    def __str__(self) -> str:
        return self.name


class Agreement(TenantModel):
    class Kind(models.TextChoices):
        PK = "pk", _("Perjanjian Kinerja")
        PAKTA = "pakta", _("Pakta Integritas")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        LOCKED = "locked", _("Dikunci")
        SIGNED_FIRST = "signed_first", _("Ditandatangani pihak pertama")
        SIGNED = "signed", _("Ditandatangani kedua pihak")
        SUPERSEDED = "superseded", _("Digantikan perubahan")

    class AmendmentReason(models.TextChoices):
        OFFICIAL_CHANGE = "official_change", _("Pergantian/mutasi pejabat")
        PROGRAM_BUDGET_CHANGE = "program_budget_change", _(
            "Perubahan strategi: program, kegiatan atau alokasi anggaran"
        )
        PRIORITY_CHANGE = "priority_change", _("Perubahan prioritas atau asumsi yang signifikan")

    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("jabatan pihak pertama"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("perangkat daerah"))
    first_party = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("pihak pertama"))
    first_party_acting = models.BooleanField(_("pihak pertama Plt."), default=False)
    second_party = models.ForeignKey(Official, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("pihak kedua"))
    second_party_position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+",
                                              verbose_name=_("jabatan pihak kedua"))
    second_party_acting = models.BooleanField(_("pihak kedua Plt."), default=False)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices,
                              default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    supersedes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="amendments", verbose_name=_("menggantikan"))
    amendment_reason = models.CharField(_("alasan perubahan"), max_length=24, blank=True,
                                        choices=AmendmentReason.choices)
    amendment_note = models.CharField(_("keterangan perubahan"), max_length=500, blank=True)
    ceremony = models.ForeignKey(Ceremony, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="agreements", verbose_name=_("acara"))
    place = models.CharField(_("tempat penandatanganan"), max_length=200, blank=True)
    signing_date = models.DateField(_("tanggal penandatanganan"), null=True, blank=True)
    # Public and looked up across Pemda: random (50 bits), checked unique across Pemda on creation.
    verification_code = models.CharField(_("kode verifikasi"), max_length=16, db_index=True)
    # SHA-256 of the locked PDF the parties sign (each Signature repeats it).
    locked_sha256 = models.CharField(max_length=64, blank=True)
    locked_pdf = models.FileField(upload_to="agreements/locked/", blank=True)
    # SHA-256 of the final sealed PDF (looked up by the verification page).
    document_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    # The Pemda's audit-chain head printed in the signed document.
    chain_seq = models.PositiveBigIntegerField(null=True, blank=True)
    chain_hash = models.CharField(max_length=64, blank=True)
    signed_pdf = models.FileField(upload_to="agreements/signed/", blank=True)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["year", "kind", "position__code", "version"]
        verbose_name = _("perjanjian")
        verbose_name_plural = _("perjanjian")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "kind", "year", "position", "version"],
                                    name="agreement_unique_version"),
            models.UniqueConstraint(fields=["pemda", "verification_code"],
                                    name="agreement_unique_code"),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True, amendment_reason="")
                | Q(version__gt=1, supersedes__isnull=False) & ~Q(amendment_reason=""),
                name="agreement_amendment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        label = "PK" if self.kind == self.Kind.PK else "Pakta Integritas"
        suffix = f" (perubahan {self.version - 1})" if self.version > 1 else ""
        return f"{label} {self.year} — {self.position}{suffix}"

    @property
    def is_signed(self) -> bool:
        return self.status in (self.Status.SIGNED, self.Status.SUPERSEDED) and bool(self.signed_pdf)

    @property
    def display_code(self) -> str:
        code = self.verification_code
        return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code


class AgreementIndicator(TenantModel):
    """A PK indicator frozen at draft time; never changed after signing."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey("planning.Indicator", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    objective_text = models.CharField(_("sasaran"), max_length=400)
    name = models.CharField(_("indikator"), max_length=400)
    unit = models.CharField(_("satuan"), max_length=20, blank=True)
    polarity = models.CharField(_("polaritas"), max_length=16)
    range_low = models.DecimalField(_("batas bawah rentang"), null=True, blank=True, max_digits=20, decimal_places=4)
    range_high = models.DecimalField(_("batas atas rentang"), null=True, blank=True, max_digits=20, decimal_places=4)
    aggregation = models.CharField(_("penggabungan triwulan"), max_length=4)
    decimals = models.PositiveSmallIntegerField(_("jumlah desimal"), default=2)
    # The plausible values of a realisation, frozen from the plan (domain: "plausible values"); empty = from the unit
    # (percent and index 0–100, counts and levels ≥ 0). Entry outside them is refused; a stored
    # value outside them is red-flagged and left out of the score until corrected.
    value_min = models.DecimalField(_("nilai terendah yang masuk akal"), null=True, blank=True, max_digits=20,
                                    decimal_places=4)
    value_max = models.DecimalField(_("nilai tertinggi yang masuk akal"), null=True, blank=True, max_digits=20,
                                    decimal_places=4)
    annual_target = models.DecimalField(_("target tahunan"), max_digits=20, decimal_places=4)
    q1_target = models.DecimalField(_("target TW I"), null=True, blank=True, max_digits=20, decimal_places=4)
    q2_target = models.DecimalField(_("target TW II"), null=True, blank=True, max_digits=20, decimal_places=4)
    q3_target = models.DecimalField(_("target TW III"), null=True, blank=True, max_digits=20, decimal_places=4)
    q4_target = models.DecimalField(_("target TW IV"), null=True, blank=True, max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["agreement_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "agreement", "indicator"],
                                    name="agreementindicator_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def polarity_label(self) -> str:
        """The polarity as a person reads it (the code is copied from the plan's indicator)."""
        from nyata.planning.models import Polarity

        code = self.polarity.split(":", 1)[0]
        return str(dict(Polarity.choices).get(code, Polarity.RANGE.label if code == "range" else code))

    @property
    def quarter_targets(self) -> list[Decimal | None]:
        return [self.q1_target, self.q2_target, self.q3_target, self.q4_target]


class AgreementProgram(TenantModel):
    """A program and its budget frozen at draft time."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="programs")
    program = models.ForeignKey("planning.Program", on_delete=models.PROTECT, related_name="+")
    # A PK below the agency head lists activities or sub-activities (domain.md §2.4): the row
    # then names one of them (its `program` is the one it belongs to).
    activity = models.ForeignKey("planning.Activity", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    sub_activity = models.ForeignKey("planning.SubActivity", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("program"), max_length=400)
    budget = models.DecimalField(_("anggaran (Rp)"), max_digits=20, decimal_places=2)
    note = models.CharField(_("keterangan"), max_length=200, blank=True)

    class Meta:
        ordering = ["agreement_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "agreement", "program"],
                                    condition=Q(activity__isnull=True, sub_activity__isnull=True),
                                    name="agreementprogram_unique_program"),
            models.UniqueConstraint(fields=["pemda", "agreement", "activity"],
                                    condition=Q(activity__isnull=False, sub_activity__isnull=True),
                                    name="agreementprogram_unique_activity"),
            models.UniqueConstraint(fields=["pemda", "agreement", "sub_activity"],
                                    condition=Q(sub_activity__isnull=False),
                                    name="agreementprogram_unique_sub_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Signature(TenantModel):
    """One party's in-app signature, given after a fresh second factor."""

    class Party(models.TextChoices):
        FIRST = "first", _("Pihak pertama")
        SECOND = "second", _("Pihak kedua")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(_("pihak"), max_length=6, choices=Party.choices)
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    # Null only for signatures the demo loader records on the officials' behalf.
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(_("waktu tanda tangan"))
    document_sha256 = models.CharField(max_length=64)
    otp_verified = models.BooleanField(default=False)
    audit_seq = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "agreement", "party"],
                                    name="signature_one_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.party}"
