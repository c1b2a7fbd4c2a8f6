"""Flagship products (produk unggulan), public-service innovations and satisfaction surveys."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nyata.core.models import Agency, Location
from nyata.core.tenancy import TenantModel
from nyata.products.ikm import ELEMENT_KEYS, EXACT, ROUNDED

ELEMENT_LABELS: dict[str, Any] = {
    "u1": _("Persyaratan"),
    "u2": _("Sistem, mekanisme, dan prosedur"),
    "u3": _("Waktu penyelesaian"),
    "u4": _("Biaya/tarif"),
    "u5": _("Produk spesifikasi jenis pelayanan"),
    "u6": _("Kompetensi pelaksana"),
    "u7": _("Perilaku pelaksana"),
    "u8": _("Penanganan pengaduan, saran, dan masukan"),
    "u9": _("Sarana dan prasarana"),
}


class Innovation(TenantModel):
    """A public-service innovation of an agency in a year; at most one is its flagship product."""

    class Stage(models.TextChoices):
        INITIATIVE = "initiative", _("Inisiatif")
        TRIAL = "trial", _("Uji coba")
        IMPLEMENTATION = "implementation", _("Penerapan")

    class Kind(models.TextChoices):
        DIGITAL = "digital", _("Digital")
        NON_DIGITAL = "non_digital", _("Non-digital")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="innovations",
                               verbose_name=_("perangkat daerah"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    is_flagship = models.BooleanField(_("produk unggulan"), default=False)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.DIGITAL)
    problem = models.TextField(_("masalah yang diselesaikan"))
    solution = models.TextField(_("solusi"))
    beneficiaries = models.CharField(_("sasaran penerima manfaat"), max_length=300, blank=True)
    beneficiaries_target = models.PositiveIntegerField(_("target penerima manfaat"), null=True, blank=True)
    beneficiaries_reached = models.PositiveIntegerField(_("penerima manfaat terjangkau"), null=True, blank=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("lokasi (kabupaten/kota)"))
    location_note = models.CharField(_("keterangan lokasi"), max_length=200, blank=True)
    stage = models.CharField(_("tahap"), max_length=16, choices=Stage.choices, default=Stage.INITIATIVE)
    launch_year = models.PositiveSmallIntegerField(_("tahun mulai"), null=True, blank=True)
    initiated_on = models.DateField(_("tanggal inisiatif"), null=True, blank=True)
    trial_on = models.DateField(_("tanggal uji coba"), null=True, blank=True)
    implemented_on = models.DateField(_("tanggal penerapan"), null=True, blank=True)
    partners = models.TextField(_("mitra lain"), blank=True,
                                help_text=_("Mitra yang belum ada di register kemitraan, satu per baris."))
    partnerships = models.ManyToManyField("projects.Partnership", blank=True, related_name="innovations",
                                          verbose_name=_("mitra (register kemitraan)"))
    indicators = models.ManyToManyField("planning.Indicator", blank=True, related_name="innovations",
                                        verbose_name=_("indikator rencana yang digerakkan"))
    budget = models.DecimalField(_("anggaran (Rp)"), max_digits=18, decimal_places=2, null=True, blank=True)
    recognition = models.CharField(_("penghargaan"), max_length=300, blank=True)
    source_url = models.CharField(_("sumber"), max_length=500, blank=True)
    is_public = models.BooleanField(_("tampil di portal publik"), default=False)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)
    illustrative_note = models.CharField(_("bagian ilustratif"), max_length=200, blank=True)

    class Meta:
        ordering = ["year", "agency__code", "-is_flagship", "name"]
        verbose_name = _("inovasi")
        verbose_name_plural = _("inovasi")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "agency", "year"], condition=Q(is_flagship=True),
                name="innovation_one_flagship_per_agency_year",
                violation_error_message=_(
                    "Perangkat daerah ini sudah memiliki produk unggulan untuk tahun tersebut."),
            ),
            models.UniqueConstraint(fields=["pemda", "agency", "year", "name"],
                                    name="innovation_unique_name"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="innovation_year_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        dates = [("initiated_on", self.initiated_on), ("trial_on", self.trial_on),
                 ("implemented_on", self.implemented_on)]
        given = [(f, d) for f, d in dates if d is not None]
        for (_f1, d1), (f2, d2) in itertools.pairwise(given):
            if d2 < d1:
                raise ValidationError({f2: _("Tanggal tahap harus berurutan: inisiatif, uji coba, penerapan.")})
        if (self.beneficiaries_target is not None and self.beneficiaries_reached is not None
                and self.beneficiaries_target == 0 and self.beneficiaries_reached > 0):
            raise ValidationError({"beneficiaries_target": _("Target penerima manfaat 0 tidak bermakna.")})

    @property
    def reach_percent(self) -> float | None:
        if not self.beneficiaries_target or self.beneficiaries_reached is None:
            return None
        return round(self.beneficiaries_reached * 100 / self.beneficiaries_target, 1)


def evidence_path(instance: Evidence, filename: str) -> str:
    # Random names: the uploader's file name is kept only as metadata, never as a path.
    return f"products/evidence/{instance.pemda_id}/{secrets.token_hex(16)}.{instance.extension}"


class Evidence(TenantModel):
    """A supporting document (bukti dukung) of an innovation, optionally for one IID criterion."""

    CONTENT_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(_("kriteria IID"), max_length=40, blank=True)
    title = models.CharField(_("judul"), max_length=200)
    file = models.FileField(_("berkas"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # Taken at upload and kept in the audit event: `audit verify` and restore check the file against it.
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")

    class Meta:
        ordering = ["innovation_id", "criterion", "uploaded_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return self.CONTENT_TYPES.get(self.content_type, "bin")


class IidAnswer(TenantModel):
    """The agency's self-assessment of one innovation against one IID criterion (level 0–3)."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="iid_answers")
    criterion = models.CharField(_("kriteria"), max_length=40)
    level = models.PositiveSmallIntegerField(_("tingkat"), default=0)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["innovation_id", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "innovation", "criterion"], name="iidanswer_unique"),
            models.CheckConstraint(condition=Q(level__lte=3), name="iidanswer_level_0_3"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level}"


class Survey(TenantModel):
    """A satisfaction survey (SKM) of one product or service for one year."""

    class Weighting(models.TextChoices):
        EXACT_ = EXACT, _("Tepat 1/9 per unsur")
        ROUNDED_ = ROUNDED, _("0,11 per unsur (pembulatan peraturan)")

    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="surveys",
                                   verbose_name=_("produk/layanan"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    population = models.PositiveIntegerField(
        _("populasi penerima layanan"), null=True, blank=True,
        help_text=_("Untuk menghitung sampel minimum (Krejcie–Morgan); kosong = populasi besar."))
    weighting = models.CharField(_("bobot unsur"), max_length=8, choices=Weighting.choices, default=EXACT)
    is_open = models.BooleanField(_("menerima jawaban"), default=True)

    class Meta:
        ordering = ["-year", "innovation_id"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "innovation", "year"], name="survey_unique_year")
        ]

    def __str__(self) -> str:
        return f"SKM {self.innovation} {self.year}"


_ANSWER_CHECKS: list[models.BaseConstraint] = [
    models.CheckConstraint(condition=Q(**{f"{k}__gte": 1, f"{k}__lte": 4}), name=f"surveyresponse_{k}_1_4")
    for k in ELEMENT_KEYS
]


class SurveyResponse(TenantModel):
    """One anonymous answer sheet: nine elements on the 1–4 scale and an optional comment.

    Nothing identifies the respondent: no name, no IP address (rate limiting keeps only a
    salted hash of the address, in the cache, for an hour).
    """

    class CommentStatus(models.TextChoices):
        NONE = "none", _("Tanpa komentar")
        PENDING = "pending", _("Menunggu moderasi")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField()
    u1 = models.PositiveSmallIntegerField()
    u2 = models.PositiveSmallIntegerField()
    u3 = models.PositiveSmallIntegerField()
    u4 = models.PositiveSmallIntegerField()
    u5 = models.PositiveSmallIntegerField()
    u6 = models.PositiveSmallIntegerField()
    u7 = models.PositiveSmallIntegerField()
    u8 = models.PositiveSmallIntegerField()
    u9 = models.PositiveSmallIntegerField()
    comment = models.TextField(_("komentar"), blank=True, max_length=1000)
    comment_status = models.CharField(max_length=10, choices=CommentStatus.choices, default="none")
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    is_illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey_id", "submitted_at"]
        constraints = [
            *_ANSWER_CHECKS,
            models.CheckConstraint(
                condition=Q(comment="", comment_status="none") | (~Q(comment="") & ~Q(comment_status="none")),
                name="surveyresponse_comment_status",
            )
        ]
        indexes = [models.Index(fields=["pemda", "comment_status"], name="surveyresp_moderation")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.survey}"
