"""Merit ratings (PermenPANRB 6/2022, domain.md §8): the unit's predicate and each official's.

The rules themselves (bands, matrix, distribution curve) live once in `nyata.scoring.merit`;
these models keep the configuration per Pemda and year and the history of every decision.
Nothing is overwritten: a changed configuration, a new proposal or a final rating is a new
version row; the current one is the highest version.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nyata.core.models import Agency, Official, Position, User
from nyata.core.tenancy import TenantModel
from nyata.scoring.merit import OrgPredicate as EngineOrg
from nyata.scoring.merit import Predicate as EnginePredicate
from nyata.scoring.merit import Rating as EngineRating


class OrgPredicateChoice(models.TextChoices):
    ISTIMEWA = EngineOrg.ISTIMEWA.value, _("Istimewa")
    BAIK = EngineOrg.BAIK.value, _("Baik")
    BUTUH_PERBAIKAN = EngineOrg.BUTUH_PERBAIKAN.value, _("Butuh Perbaikan")
    KURANG = EngineOrg.KURANG.value, _("Kurang")
    SANGAT_KURANG = EngineOrg.SANGAT_KURANG.value, _("Sangat Kurang")


class PredicateChoice(models.TextChoices):
    SANGAT_BAIK = EnginePredicate.SANGAT_BAIK.value, _("Sangat Baik")
    BAIK = EnginePredicate.BAIK.value, _("Baik")
    BUTUH_PERBAIKAN = EnginePredicate.BUTUH_PERBAIKAN.value, _("Butuh Perbaikan")
    KURANG = EnginePredicate.KURANG.value, _("Kurang/Misconduct")
    SANGAT_KURANG = EnginePredicate.SANGAT_KURANG.value, _("Sangat Kurang")


class RatingChoice(models.TextChoices):
    ABOVE = EngineRating.ABOVE.value, _("Di Atas Ekspektasi")
    MEETING = EngineRating.MEETING.value, _("Sesuai Ekspektasi")
    BELOW = EngineRating.BELOW.value, _("Di Bawah Ekspektasi")


class MeritSettings(TenantModel):
    """One version of a Pemda's merit scales for a year (`MeritConfig.to_dict()`)."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    config = models.JSONField(_("konfigurasi"))
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "version"]
        verbose_name = _("pengaturan penilaian kinerja pegawai")
        verbose_name_plural = _("pengaturan penilaian kinerja pegawai")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "version"], name="meritsettings_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"


class OrganisationalPredicate(TenantModel):
    """The predicate of an agency's performance for a year: computed from its score, confirmed by
    the leader above (with a reason when they depart from the computed one)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("perangkat daerah"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    score = models.DecimalField(_("nilai kinerja unit"), max_digits=9, decimal_places=4)
    # the stored score the predicate comes from: quarter, computed_at, indicators (achievements)
    basis = models.JSONField(_("dasar perhitungan"), default=dict)
    computed = models.CharField(_("predikat hasil perhitungan"), max_length=16, choices=OrgPredicateChoice.choices)
    confirmed = models.CharField(_("predikat ditetapkan"), max_length=16, choices=OrgPredicateChoice.choices,
                                 blank=True)
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("ditetapkan oleh"))
    confirmed_at = models.DateTimeField(_("ditetapkan pada"), null=True, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "agency_id", "version"]
        verbose_name = _("predikat kinerja organisasi")
        verbose_name_plural = _("predikat kinerja organisasi")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "agency", "year", "version"], name="orgpredicate_unique_version"),
            models.CheckConstraint(
                condition=Q(confirmed="") | Q(confirmed=models.F("computed")) | ~Q(reason=""),
                name="orgpredicate_departure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.confirmed or self.computed}"


class IndividualRating(TenantModel):
    """One version of an official's yearly rating (SKP). A proposal is a draft; finalising the unit
    appends a final version. At most one final rating per official and year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        FINAL = "final", _("Final")

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+", verbose_name=_("pegawai"))
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+", verbose_name=_("jabatan"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("perangkat daerah"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("perjanjian kinerja"))
    achievement = models.DecimalField(_("capaian kinerja"), max_digits=9, decimal_places=4)
    proposed_work = models.CharField(_("rating hasil kerja usulan data"), max_length=8,
                                     choices=RatingChoice.choices)
    work = models.CharField(_("rating hasil kerja"), max_length=8, choices=RatingChoice.choices)
    behaviour = models.CharField(_("rating perilaku"), max_length=8, choices=RatingChoice.choices)
    predicate = models.CharField(_("predikat kinerja pegawai"), max_length=16, choices=PredicateChoice.choices)
    departure_reason = models.TextField(_("alasan berbeda dari data"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "agency_id", "official_id", "version"]
        verbose_name = _("penilaian kinerja pegawai")
        verbose_name_plural = _("penilaian kinerja pegawai")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "official", "year", "version"], name="rating_unique_version"),
            models.UniqueConstraint(fields=["pemda", "official", "year"], condition=Q(status="final"),
                                    name="rating_one_final_per_year"),
            models.CheckConstraint(
                condition=Q(work=models.F("proposed_work")) | ~Q(departure_reason=""),
                name="rating_departure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} {self.year}: {self.predicate}"

    @property
    def departs(self) -> bool:
        return self.work != self.proposed_work
