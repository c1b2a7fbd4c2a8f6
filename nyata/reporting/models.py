"""Quarterly reporting: realisations against the signed PK, evidence, verification, self-critique.

A `Realisation` is one value for one frozen PK indicator (`agreements.AgreementIndicator`) in one
quarter; a later edit of the plan never restates it. Its life: draft → submitted (by the agency
head) → accepted (locked) or returned (by the inspectorate, with a comment) → draft again after
a fix. A locked value changes only through a reopening by a performance admin with a reason.
Every value and status change appends a `RealisationVersion` row (and an audit event).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nyata.core.models import Agency, Quarter, User
from nyata.core.tenancy import TenantModel

VALUE: dict[str, Any] = {"max_digits": 20, "decimal_places": 4}
MONEY: dict[str, Any] = {"max_digits": 20, "decimal_places": 2}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    ACCEPTED = "accepted", _("Diterima")


EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


# Default orderings name columns, never relations: ordering by a relation joins its table (and
# its own ordering), which makes hot queries slower and makes SELECT ... FOR UPDATE lock the
# joined rows too (on PostgreSQL that locked the Pemda row and deadlocked concurrent writers).


class Realisation(TenantModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("perangkat daerah"))
    agreement_indicator = models.ForeignKey(
        "agreements.AgreementIndicator", on_delete=models.PROTECT, related_name="realisations"
    )
    quarter = models.ForeignKey(Quarter, on_delete=models.PROTECT, related_name="+", verbose_name=_("triwulan"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    value = models.DecimalField(_("realisasi"), null=True, blank=True, **VALUE)
    narrative = models.TextField(_("narasi singkat"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quarter_id", "agency_id", "pk"]
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "agreement_indicator", "quarter"], name="realisation_unique_quarter"
            ),
        ]
        indexes = [models.Index(fields=["pemda", "quarter", "agency", "status"], name="realisation_board")]

    def __str__(self) -> str:
        return f"{self.agreement_indicator} — {self.quarter}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at.date() > self.quarter.report_deadline


class RealisationVersion(TenantModel):
    """Append-only: one row per change of value or status, never updated."""

    class Event(models.TextChoices):
        SAVED = "saved", _("disimpan")
        IMPORTED = "imported", _("diimpor dari Excel")
        SUBMITTED = "submitted", _("diajukan")
        ACCEPTED = "accepted", _("diterima")
        RETURNED = "returned", _("dikembalikan")
        REOPENED = "reopened", _("dibuka kembali")

    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    event = models.CharField(max_length=10, choices=Event.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    value = models.DecimalField(null=True, blank=True, **VALUE)
    narrative = models.TextField(blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["realisation_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "realisation", "number"], name="realisationversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.realisation_id} v{self.number}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # Random name, no trace of the uploaded name or extension: nothing executable by accident.
    return f"evidence/{instance.pemda_id}/{secrets.token_hex(16)}"


class Evidence(TenantModel):
    """A supporting file (*bukti dukung*), checked by content and scanned before it is stored."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        XLSX = "xlsx", "Excel (XLSX)"
        DOCX = "docx", "Word (DOCX)"

    realisation = models.ForeignKey(Realisation, on_delete=models.PROTECT, related_name="evidence")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    kind = models.CharField(_("jenis"), max_length=5, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["realisation_id", "pk"]
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")

    def __str__(self) -> str:
        return self.original_name


class Verification(TenantModel):
    class Verdict(models.TextChoices):
        ACCEPT = "accept", _("Diterima")
        RETURN = "return", _("Dikembalikan")

    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="verifications")
    verdict = models.CharField(_("keputusan"), max_length=6, choices=Verdict.choices)
    comment = models.TextField(_("catatan"), blank=True)
    value = models.DecimalField(null=True, blank=True, **VALUE)  # the value that was verified
    inspector = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["realisation_id", "at"]

    def __str__(self) -> str:
        return f"{self.realisation_id} {self.verdict}"


class BudgetRealisation(TenantModel):
    """Budget absorption of one PK program in one quarter (year to date, rupiah).

    Locked with the quarter: editable while the agency's quarter is not submitted; accepted
    when the inspectorate has accepted every indicator of the quarter.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    agreement_program = models.ForeignKey("agreements.AgreementProgram", on_delete=models.PROTECT, related_name="+")
    quarter = models.ForeignKey(Quarter, on_delete=models.PROTECT, related_name="+")
    ceiling = models.DecimalField(_("pagu (Rp)"), **MONEY)
    spent = models.DecimalField(_("realisasi anggaran (Rp)"), **MONEY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["quarter_id", "agency_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "agreement_program", "quarter"], name="budgetrealisation_unique"),
            models.CheckConstraint(condition=Q(spent__gte=0) & Q(ceiling__gte=0), name="budgetrealisation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_program} — {self.quarter}"

    @property
    def absorption(self) -> float | None:
        return float(self.spent / self.ceiling * 100) if self.ceiling else None


class SelfCritique(TenantModel):
    """The agency head's structured *otokritik* for one quarter."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    quarter = models.ForeignKey(Quarter, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    summary = models.TextField(_("ringkasan"), blank=True, max_length=4000)
    prefilled = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    is_illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["quarter_id", "agency_id"]
        verbose_name = _("otokritik")
        verbose_name_plural = _("otokritik")
        constraints = [models.UniqueConstraint(fields=["pemda", "agency", "quarter"], name="selfcritique_unique")]

    def __str__(self) -> str:
        return f"Otokritik {self.agency} {self.quarter}"


class DeliveredProduct(TenantModel):
    critique = models.ForeignKey(SelfCritique, on_delete=models.CASCADE, related_name="products")
    what = models.CharField(_("apa"), max_length=300)
    for_whom = models.CharField(_("untuk siapa"), max_length=300)
    where = models.CharField(_("di mana"), max_length=300)
    people = models.PositiveIntegerField(_("jumlah penerima (orang)"))

    class Meta:
        ordering = ["critique_id", "pk"]

    def __str__(self) -> str:
        return self.what


class Gap(TenantModel):
    critique = models.ForeignKey(SelfCritique, on_delete=models.CASCADE, related_name="gaps")
    agreement_indicator = models.ForeignKey(
        "agreements.AgreementIndicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("kesenjangan"), max_length=500)
    size = models.DecimalField(_("besar kesenjangan"), null=True, blank=True, **VALUE)

    class Meta:
        ordering = ["critique_id", "pk"]

    def __str__(self) -> str:
        return self.description


class RootCause(TenantModel):
    class Category(models.TextChoices):
        BUDGET = "budget", _("Anggaran")
        PROCUREMENT = "procurement", _("Pengadaan")
        STAFFING = "staffing", _("SDM / kepegawaian")
        REGULATION = "regulation", _("Regulasi")
        DEPENDENCY = "dependency", _("Ketergantungan pada perangkat daerah lain")
        EXTERNAL = "external", _("Faktor eksternal")

    critique = models.ForeignKey(SelfCritique, on_delete=models.CASCADE, related_name="causes")
    category = models.CharField(_("kategori"), max_length=12, choices=Category.choices)
    depends_on = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("perangkat daerah yang ditunggu"),
    )
    text = models.CharField(_("uraian"), max_length=500)

    class Meta:
        ordering = ["critique_id", "pk"]

    def __str__(self) -> str:
        return self.text


class CorrectiveAction(TenantModel):
    class State(models.TextChoices):
        OPEN = "open", _("Belum mulai")
        IN_PROGRESS = "in_progress", _("Berjalan")
        DONE = "done", _("Selesai")
        DROPPED = "dropped", _("Dibatalkan")

    critique = models.ForeignKey(SelfCritique, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("tindakan perbaikan"), max_length=500)
    owner = models.CharField(_("penanggung jawab"), max_length=200)
    due = models.DateField(_("tenggat"))
    state = models.CharField(_("status"), max_length=12, choices=State.choices, default=State.OPEN)
    state_note = models.CharField(_("catatan status"), max_length=500, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["pemda", "state", "due"], name="correctiveaction_open")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_resolved(self) -> bool:
        return self.state in (self.State.DONE, self.State.DROPPED)


class ScoreSnapshot(TenantModel):
    """The scoring engine's result for one agency and quarter, stored so pages never recompute."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    score = models.FloatField(null=True, blank=True)
    category = models.CharField(max_length=16, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    completeness = models.FloatField(default=0)
    # values submitted on time and not yet verified: left out of score and rank, which are then
    # provisional (domain.md A1); never counted as 0
    awaiting = models.PositiveIntegerField(default=0)
    indicators = models.JSONField(default=list)  # [{code, achievement, category, ytd_achievement, flags}]
    forecasts = models.JSONField(default=list)
    flags = models.JSONField(default=list)  # sorted distinct flags of the agency's indicators
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["year", "quarter", "rank", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "agency", "year", "quarter"], name="scoresnapshot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} TW{self.quarter}: {self.score}"

    @property
    def provisional(self) -> bool:
        return self.awaiting > 0


class ReminderLog(TenantModel):
    """One reminder e-mail sent; keeps the scheduled task from sending the same one twice a day."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    quarter = models.ForeignKey(Quarter, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "user", "quarter", "kind", "day"], name="reminderlog_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.day}"
