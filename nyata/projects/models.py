"""Strategic projects, their milestones, monthly progress, show-cause meetings, links
between milestones of different agencies, and partnerships."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nyata.core.models import Agency, Location
from nyata.core.tenancy import TenantModel

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Project(TenantModel):
    class Status(models.TextChoices):
        PLANNING = "planning", _("Perencanaan")
        RUNNING = "running", _("Pelaksanaan")
        DONE = "done", _("Selesai / beroperasi")
        HALTED = "halted", _("Dihentikan")

    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama proyek"), max_length=250)
    description = models.TextField(_("uraian"), blank=True)
    sources = models.TextField(_("sumber"), blank=True, help_text=_("Satu tautan per baris."))
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="owned_projects",
        verbose_name=_("perangkat daerah penanggung jawab"),
    )
    supporting_agencies: models.ManyToManyField[Agency, ProjectSupport] = models.ManyToManyField(
        Agency, through="ProjectSupport", related_name="supported_projects", blank=True,
        verbose_name=_("perangkat daerah pendukung"),
    )
    objectives: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "planning.Objective", through="ProjectObjective", related_name="projects", blank=True,
        verbose_name=_("sasaran strategis terkait"),
    )
    indicators: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "planning.Indicator", through="ProjectIndicator", related_name="projects", blank=True,
        verbose_name=_("indikator terkait"),
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("lokasi (kabupaten/kota)"),
    )
    location_detail = models.CharField(_("rincian lokasi"), max_length=250, blank=True)
    start = models.DateField(_("tanggal mulai"), null=True, blank=True)
    end = models.DateField(_("tanggal selesai rencana"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNING)
    plan_finalised = models.BooleanField(_("rencana tonggak final"), default=False)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("proyek strategis")
        verbose_name_plural = _("proyek strategis")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "code"], name="project_unique_code"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="project_end_after_start",
            ),
        ]

    @property
    def reach_agency_ids(self) -> list[int]:
        """The agencies whose users reach this project (see views.projects_for): owner and supporters."""
        return [self.owner_agency_id, *(s.agency_id for s in self.supports.all())]

    def __str__(self) -> str:
        return self.name

    def source_list(self) -> list[str]:
        return [s.strip() for s in self.sources.replace("|", "\n").splitlines() if s.strip()]


class ProjectSupport(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project_id", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "project", "agency"], name="projectsupport_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.agency}"


class ProjectObjective(TenantModel):
    """The project serves this plan objective: a late item puts the objective at risk."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="objective_links")
    objective = models.ForeignKey("planning.Objective", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project_id", "objective_id"]
        constraints = [models.UniqueConstraint(fields=["pemda", "project", "objective"],
                                               name="projectobjective_unique")]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.objective_id}"


class ProjectIndicator(TenantModel):
    """The project moves this indicator: the indicator depends on the project's milestones."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicator_links")
    indicator = models.ForeignKey("planning.Indicator", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project_id", "indicator_id"]
        constraints = [models.UniqueConstraint(fields=["pemda", "project", "indicator"],
                                               name="projectindicator_unique")]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.indicator_id}"


class FundingSource(TenantModel):
    class Kind(models.TextChoices):
        APBD = "apbd", _("APBD Provinsi")
        APBD_KABKOTA = "apbd_kabkota", _("APBD Kabupaten/Kota")
        APBN = "apbn", _("APBN")
        KPBU = "kpbu", _("KPBU (kerja sama pemerintah dan badan usaha)")
        CSR = "csr", _("CSR")
        PRIVATE = "swasta", _("Investasi swasta / BUMD")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    kind = models.CharField(_("sumber dana"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("nilai (Rp)"), max_digits=18, decimal_places=0,
                                 validators=[MinValueValidator(Decimal(0))])
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["project_id", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount}"


class Milestone(TenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("tonggak"), max_length=250)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="milestones",
                               verbose_name=_("perangkat daerah pemilik"))
    planned_date = models.DateField(_("tanggal rencana"))
    actual_date = models.DateField(_("tanggal tercapai"), null=True, blank=True)
    weight = models.DecimalField(_("bobot (%)"), max_digits=5, decimal_places=2,
                                 validators=PERCENT)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["project_id", "planned_date", "pk"]
        verbose_name = _("tonggak")
        verbose_name_plural = _("tonggak")

    def __str__(self) -> str:
        return self.name

    def is_done(self) -> bool:
        return self.actual_date is not None

    def is_late(self, as_of: dt.date) -> bool:
        """Late: not reached and past its date, or reached after its date."""
        if self.actual_date is None:
            return self.planned_date < as_of
        return self.actual_date > self.planned_date

    def is_blocking(self, as_of: dt.date) -> bool:
        """A late item that still holds others up (not reached yet)."""
        return self.actual_date is None and self.planned_date < as_of


class Dependency(TenantModel):
    """`downstream` needs `upstream` first (e.g. the port needs the access road)."""

    upstream = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="dependents",
                                 verbose_name=_("bergantung pada"))
    downstream = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="dependencies",
                                   verbose_name=_("tonggak yang bergantung"))
    note = models.CharField(_("keterangan"), max_length=300, blank=True)

    class Meta:
        ordering = ["downstream_id", "upstream_id"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "upstream", "downstream"],
                                    name="dependency_unique"),
            models.CheckConstraint(condition=~Q(upstream=models.F("downstream")),
                                   name="dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.downstream} ← {self.upstream}"


class ProgressReport(TenantModel):
    """Monthly cumulative progress; a correction appends a new version, never overwrites."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress")
    month = models.DateField(_("bulan"), help_text=_("Tanggal 1 bulan laporan."))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    planned_physical = models.DecimalField(_("rencana fisik kumulatif (%)"), max_digits=5,
                                           decimal_places=2, validators=PERCENT)
    actual_physical = models.DecimalField(_("realisasi fisik kumulatif (%)"), max_digits=5,
                                          decimal_places=2, validators=PERCENT)
    spent = models.DecimalField(_("realisasi keuangan kumulatif (Rp)"), max_digits=18,
                                decimal_places=0, validators=[MinValueValidator(Decimal(0))])
    forecast_completion = models.DateField(_("perkiraan selesai"), null=True, blank=True)
    correction_note = models.TextField(_("catatan koreksi"), blank=True)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["project_id", "month", "version"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "project", "month", "version"],
                                    name="progress_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m} v{self.version}"


class ShowCauseMeeting(TenantModel):
    """Rapat pembuktian (SCM) I–III with its decisions, test-period deadline and outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Menunggu uji coba")
        MET = "met", _("Target uji coba tercapai")
        MISSED = "missed", _("Target uji coba tidak tercapai")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    stage = models.PositiveSmallIntegerField(_("tahap SCM"), choices=[(1, "I"), (2, "II"), (3, "III")])
    date = models.DateField(_("tanggal rapat"))
    decisions = models.TextField(_("keputusan"))
    deadline = models.DateField(_("batas uji coba"))
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices,
                               default=Outcome.PENDING)
    warning_letter = models.CharField(_("surat peringatan"), max_length=120, blank=True)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["project_id", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "project", "stage"], name="scm_unique_stage"),
        ]

    def __str__(self) -> str:
        return f"SCM {self.get_stage_display()} — {self.project}"


class Partnership(TenantModel):
    class Kind(models.TextChoices):
        KPBU = "kpbu", _("KPBU / PPP")
        CSR = "csr", _("CSR")
        GRANT = "hibah", _("Hibah")
        MOU = "mou", _("MoU / nota kesepahaman")

    class Status(models.TextChoices):
        EXPLORING = "exploring", _("Penjajakan")
        SIGNED = "signed", _("Ditandatangani")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        CANCELLED = "cancelled", _("Batal")

    partner = models.CharField(_("mitra"), max_length=250)
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    value = models.DecimalField(_("nilai (Rp)"), max_digits=18, decimal_places=0, null=True,
                                blank=True, validators=[MinValueValidator(Decimal(0))])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.EXPLORING)
    signed_on = models.DateField(_("tanggal"), null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("perangkat daerah"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="partnerships", verbose_name=_("proyek terkait"))
    product = models.CharField(_("produk unggulan terkait"), max_length=250, blank=True)
    description = models.TextField(_("uraian"), blank=True)
    source = models.TextField(_("sumber"), blank=True)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["partner"]
        verbose_name = _("kemitraan")
        verbose_name_plural = _("kemitraan")

    def __str__(self) -> str:
        return self.partner
