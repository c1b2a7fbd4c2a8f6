"""The plan cascade: RPJMD (province) → Renstra (agency) → programs, with indicators and targets.

One `PlanPeriod` is a Pemda's medium-term plan for a year range (e.g. RPJMD 2025–2029) in one
revision. It holds the province level (vision, missions, goals, strategic objectives and their
key indicators) and every agency's Renstra level (agency objectives that serve province
objectives, their indicators, and programs → activities → sub-activities with budget ceilings).
A revision is a new `PlanPeriod` that `supersedes` the old one; the old one stays readable.

Values that leaders rely on are `Decimal`. Targets keep version rows (`TargetVersion`) as well
as their audit events.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nyata import scoring
from nyata.core.models import Agency, Unit, User
from nyata.core.tenancy import TenantModel


class UnitOfMeasure(models.TextChoices):
    """The fixed list of measurement units; anything else is refused on import."""

    PERCENT = "persen", _("persen")
    INDEX = "indeks", _("indeks")
    RATIO = "rasio", _("rasio")
    POINT = "poin", _("poin")
    PERSON = "orang", _("orang")
    HOUSEHOLD = "rumah tangga", _("rumah tangga")
    KM = "km", _("km")
    HECTARE = "hektare", _("hektare")
    TON = "ton", _("ton")
    UNIT = "unit", _("unit")
    YEAR = "tahun", _("tahun")
    DAY = "hari", _("hari")
    CASE = "kasus", _("kasus")
    RUPIAH = "rupiah", _("rupiah")
    BILLION_RUPIAH = "miliar rupiah", _("miliar rupiah")
    TRILLION_RUPIAH = "triliun rupiah", _("triliun rupiah")
    PER_THOUSAND = "per 1.000", _("per 1.000")
    PER_100K = "per 100.000", _("per 100.000")
    VILLAGE = "desa", _("desa")
    REGION = "kabupaten/kota", _("kabupaten/kota")
    BUSINESS = "usaha", _("usaha")
    INNOVATION = "inovasi", _("inovasi")
    PREDICATE = "predikat", _("predikat")
    # Output units: counting documents, reports, activities or meetings measures effort, not result.
    DOCUMENT = "dokumen", _("dokumen")
    REPORT = "laporan", _("laporan")
    ACTIVITY = "kegiatan", _("kegiatan")
    MEETING = "rapat", _("rapat")


OUTPUT_UNITS = frozenset({UnitOfMeasure.DOCUMENT, UnitOfMeasure.REPORT, UnitOfMeasure.ACTIVITY,
                          UnitOfMeasure.MEETING})


class Polarity(models.TextChoices):
    HIGHER = "higher_is_better", _("semakin tinggi semakin baik")
    LOWER = "lower_is_better", _("semakin rendah semakin baik")
    RANGE = "range", _("rentang target")


def engine_polarity(
    polarity: str, low: Decimal | float | None = None, high: Decimal | float | None = None,
) -> scoring.Polarity:
    """The scoring engine's polarity for a stored one; a range takes its bounds from the target.

    The one translation, used by scores, dashboard and portal alike: a range whose upper bound
    is missing is the single value `low`; a range with no bounds at all is scored as higher is
    better (there is nothing to be inside of).
    """
    if polarity == Polarity.HIGHER:
        return scoring.HIGHER
    if polarity == Polarity.LOWER:
        return scoring.LOWER
    if polarity == Polarity.RANGE:
        if low is None:
            return scoring.HIGHER
        return scoring.Polarity(scoring.PolarityKind.RANGE, float(low), float(high if high is not None else low))
    raise ValueError(f"unknown polarity {polarity!r}")


class Aggregation(models.TextChoices):
    SUM = "sum", _("dijumlahkan (kumulatif)")
    LAST = "last", _("nilai terakhir")
    MEAN = "mean", _("rata-rata")
    MAX = "max", _("nilai tertinggi")


class Level(models.TextChoices):
    IMPACT = "impact", _("dampak")
    OUTCOME = "outcome", _("hasil (outcome)")
    OUTPUT = "output", _("keluaran (output)")


class PlanPeriod(TenantModel):
    """A Pemda's medium-term plan for a year range, in one revision."""

    class Kind(models.TextChoices):
        RPJMD = "rpjmd", _("RPJMD")
        RPD = "rpd", _("RPD (rencana pembangunan daerah transisi)")

    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices, default=Kind.RPJMD)
    name = models.CharField(_("nama"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("tahun awal"))
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"))
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    vision = models.TextField(_("visi"), blank=True)
    revision = models.PositiveSmallIntegerField(_("revisi ke"), default=0)
    revision_note = models.CharField(_("alasan revisi"), max_length=300, blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions",
        verbose_name=_("menggantikan"),
    )
    is_current = models.BooleanField(_("berlaku"), default=True)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_year", "-revision"]
        verbose_name = _("periode rencana")
        verbose_name_plural = _("periode rencana")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "start_year", "end_year", "revision"],
                                    name="planperiod_unique_revision"),
            models.UniqueConstraint(fields=["pemda", "start_year", "end_year"],
                                    condition=Q(is_current=True), name="planperiod_one_current"),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")),
                                   name="planperiod_end_after_start"),
        ]

    def __str__(self) -> str:
        rev = f" (revisi {self.revision})" if self.revision else ""
        return f"{self.get_kind_display()} {self.start_year}–{self.end_year}{rev}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    def clean(self) -> None:
        if self.start_year and self.end_year:
            if self.end_year < self.start_year:
                raise ValidationError({"end_year": _("Tahun akhir tidak boleh sebelum tahun awal.")})
            if self.end_year - self.start_year > 9:
                raise ValidationError({"end_year": _("Periode rencana paling lama 10 tahun.")})


class Mission(TenantModel):
    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="missions")
    number = models.PositiveSmallIntegerField(_("nomor"))
    text = models.TextField(_("misi"))

    class Meta:
        ordering = ["period_id", "number"]
        verbose_name = _("misi")
        verbose_name_plural = _("misi")
        constraints = [models.UniqueConstraint(fields=["pemda", "period", "number"],
                                               name="mission_unique_number")]

    def __str__(self) -> str:
        return f"Misi {self.number}"


class Goal(TenantModel):
    """*Tujuan* of the regional plan."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="goals")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="goals", verbose_name=_("misi"))
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("tujuan"), max_length=400)

    class Meta:
        ordering = ["period_id", "code"]
        verbose_name = _("tujuan")
        verbose_name_plural = _("tujuan")
        constraints = [models.UniqueConstraint(fields=["pemda", "period", "code"],
                                               name="goal_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Objective(TenantModel):
    """A province strategic objective (*sasaran strategis* of the RPJMD)."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="objectives")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="objectives",
                             verbose_name=_("tujuan"))
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("sasaran strategis"), max_length=400)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["period_id", "code"]
        verbose_name = _("sasaran strategis")
        verbose_name_plural = _("sasaran strategis")
        constraints = [models.UniqueConstraint(fields=["pemda", "period", "code"],
                                               name="objective_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AgencyObjective(TenantModel):
    """An agency objective (*sasaran Renstra PD*), serving one or more province objectives."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE,
                               related_name="agency_objectives")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="plan_objectives",
                               verbose_name=_("perangkat daerah"))
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("sasaran perangkat daerah"), max_length=400)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("sasaran induk"))
    serves: models.ManyToManyField[Objective, ObjectiveLink] = models.ManyToManyField(
        Objective, through="ObjectiveLink", related_name="served_by",
        blank=True, verbose_name=_("mendukung sasaran strategis"))
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["period_id", "code"]
        verbose_name = _("sasaran perangkat daerah")
        verbose_name_plural = _("sasaran perangkat daerah")
        constraints = [models.UniqueConstraint(fields=["pemda", "period", "code"],
                                               name="agencyobjective_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ObjectiveLink(TenantModel):
    """Agency objective → the province objective it contributes to (cross-cutting allowed)."""

    agency_objective = models.ForeignKey(AgencyObjective, on_delete=models.CASCADE,
                                         related_name="links")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="links")

    class Meta:
        ordering = ["agency_objective_id", "objective_id"]
        constraints = [models.UniqueConstraint(fields=["pemda", "agency_objective", "objective"],
                                               name="objectivelink_unique")]

    def __str__(self) -> str:
        return f"{self.agency_objective_id} → {self.objective_id}"


# Where an indicator can hang, top down (the owner picker lists them in this order).
OWNER_KINDS = ("goal", "objective", "agency_objective", "program", "activity", "sub_activity")


class Indicator(TenantModel):
    """A performance indicator of a goal, a province objective (IKU) or an agency objective."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="indicators", verbose_name=_("tujuan"))
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="indicators", verbose_name=_("sasaran strategis"))
    agency_objective = models.ForeignKey(
        AgencyObjective, on_delete=models.CASCADE, null=True, blank=True,
        related_name="indicators", verbose_name=_("sasaran perangkat daerah"),
    )
    # Indicators of the budget structure (program outcome, activity and sub-activity output):
    # what the PKs below the agency head promise (the cascade, domain.md §2.2).
    program = models.ForeignKey("Program", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="indicators", verbose_name=_("program"))
    activity = models.ForeignKey("Activity", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="indicators", verbose_name=_("kegiatan"))
    sub_activity = models.ForeignKey("SubActivity", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="indicators", verbose_name=_("sub kegiatan"))
    # The indicator one level up that this one contributes to (a program indicator serves an
    # agency objective's indicator, an activity indicator a program indicator, ...).
    serves = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="served_by", verbose_name=_("mendukung indikator"))
    # When set, the realisation of this indicator is also computed from the verified
    # realisations of the indicators that serve it, combined with this indicator's aggregation
    # rule (`nyata.scoring.ytd`); the tree shows it beside the reported value.
    rolls_up = models.BooleanField(_("realisasi dihitung dari indikator di bawahnya"), default=False)
    # The owning agency, copied from the agency objective or budget item (None for province
    # indicators), so agency-limited reach is one plain filter.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", editable=False)
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama indikator"), max_length=400)
    definition = models.TextField(_("definisi"), blank=True)
    formula = models.TextField(_("rumus"), blank=True)
    unit = models.CharField(_("satuan"), max_length=20, choices=UnitOfMeasure.choices, blank=True)
    level = models.CharField(_("tingkat"), max_length=8, choices=Level.choices,
                             default=Level.OUTCOME)
    polarity = models.CharField(_("polaritas"), max_length=16, choices=Polarity.choices,
                                default=Polarity.HIGHER)
    aggregation = models.CharField(_("penggabungan triwulan"), max_length=4,
                                   choices=Aggregation.choices, default=Aggregation.LAST)
    decimals = models.PositiveSmallIntegerField(_("jumlah desimal"), default=2)
    # The plausible values of a realisation (domain: "plausible values"); empty = from the unit
    # (percent and index 0–100, counts and levels ≥ 0). Entry outside them is refused; a stored
    # value outside them is red-flagged and left out of the score until corrected.
    value_min = models.DecimalField(_("nilai terendah yang masuk akal"), null=True, blank=True, max_digits=20,
                                    decimal_places=4)
    value_max = models.DecimalField(_("nilai tertinggi yang masuk akal"), null=True, blank=True, max_digits=20,
                                    decimal_places=4)
    data_source = models.CharField(_("sumber data"), max_length=300, blank=True)
    responsible_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("perangkat daerah penanggung jawab"),
    )
    baseline_year = models.PositiveSmallIntegerField(_("tahun kondisi awal"), null=True, blank=True)
    baseline_value = models.DecimalField(_("nilai kondisi awal"), null=True, blank=True, max_digits=20,
        decimal_places=4)
    is_key = models.BooleanField(_("IKU"), default=True)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["period_id", "code"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "period", "code"], name="indicator_unique_code"),
            models.CheckConstraint(
                condition=(
                    Q(goal__isnull=False, objective__isnull=True, agency_objective__isnull=True,
                      program__isnull=True, activity__isnull=True, sub_activity__isnull=True)
                    | Q(goal__isnull=True, objective__isnull=False, agency_objective__isnull=True,
                        program__isnull=True, activity__isnull=True, sub_activity__isnull=True)
                    | Q(goal__isnull=True, objective__isnull=True, agency_objective__isnull=False,
                        program__isnull=True, activity__isnull=True, sub_activity__isnull=True)
                    | Q(goal__isnull=True, objective__isnull=True, agency_objective__isnull=True,
                        program__isnull=False, activity__isnull=True, sub_activity__isnull=True)
                    | Q(goal__isnull=True, objective__isnull=True, agency_objective__isnull=True,
                        program__isnull=True, activity__isnull=False, sub_activity__isnull=True)
                    | Q(goal__isnull=True, objective__isnull=True, agency_objective__isnull=True,
                        program__isnull=True, activity__isnull=True, sub_activity__isnull=False)
                ),
                name="indicator_exactly_one_owner_of_six",
            ),
            models.CheckConstraint(condition=Q(decimals__lte=6), name="indicator_decimals_max_6"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def owner(self) -> Goal | Objective | AgencyObjective | Program | Activity | SubActivity | None:
        return (self.goal or self.objective or self.agency_objective or self.program or self.activity
                or self.sub_activity)

    @property
    def budget_item(self) -> Program | Activity | SubActivity | None:
        """The program, activity or sub-activity this indicator measures (None for plan levels)."""
        return self.program or self.activity or self.sub_activity

    def owner_agency_id(self) -> int | None:
        if self.agency_objective_id:
            return self.agency_objective.agency_id  # type: ignore[union-attr]  # the _id test above says it is set
        if self.program_id:
            return self.program.agency_id  # type: ignore[union-attr]  # the _id test above says it is set
        if self.activity_id:
            return self.activity.program.agency_id  # type: ignore[union-attr]  # the _id test above says it is set
        if self.sub_activity_id:
            return self.sub_activity.activity.program.agency_id  # type: ignore[union-attr]  # the _id test above says it is set
        return None

    def clean(self) -> None:
        owners = [x for x in (self.goal_id, self.objective_id, self.agency_objective_id, self.program_id,
                              self.activity_id, self.sub_activity_id) if x]
        if len(owners) != 1:
            raise ValidationError(_("Indikator harus melekat pada tepat satu tujuan, sasaran "
                                    "strategis, sasaran perangkat daerah, program, kegiatan, atau sub "
                                    "kegiatan."))
        if self.baseline_year and self.period_id and self.baseline_year > self.period.end_year:
            raise ValidationError({"baseline_year": _("Tahun kondisi awal sesudah periode rencana.")})
        if self.budget_item is not None and self.is_key:
            raise ValidationError({"is_key": _("Indikator program, kegiatan, atau sub kegiatan bukan IKU; "
                                               "IKU melekat pada sasaran.")})
        if self.serves_id and self.pk and self.serves_id == self.pk:
            raise ValidationError({"serves": _("Indikator tidak dapat mendukung dirinya sendiri.")})

    def save(self, *args: object, **kwargs: object) -> None:
        self.agency_id = self.owner_agency_id()
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # passed through untouched to Model.save, whose stubs type each argument


class IndicatorTarget(TenantModel):
    """The current yearly target; for a range indicator `value`..`value_high`."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.DecimalField(_("target"), max_digits=20,
        decimal_places=4)
    value_high = models.DecimalField(_("batas atas rentang"), null=True, blank=True, max_digits=20,
        decimal_places=4)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["indicator_id", "year"]
        constraints = [models.UniqueConstraint(fields=["pemda", "indicator", "year"],
                                               name="indicatortarget_unique_year")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"

    @property
    def bounds(self) -> tuple[Decimal, Decimal]:
        return self.value, self.value_high if self.value_high is not None else self.value


class TargetVersion(TenantModel):
    """Append-only history of a yearly target: one row per change, never updated."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(null=True, blank=True, max_digits=20,
        decimal_places=4)  # None: target removed
    value_high = models.DecimalField(null=True, blank=True, max_digits=20,
        decimal_places=4)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["indicator_id", "year", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"


class QuarterTarget(TenantModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE,
                                  related_name="quarter_targets")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    value = models.DecimalField(_("target triwulan"), max_digits=20,
        decimal_places=4)

    class Meta:
        ordering = ["indicator_id", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "indicator", "year", "quarter"],
                                    name="quartertarget_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4),
                                   name="quartertarget_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} TW{self.quarter}: {self.value}"


class IndicatorActual(TenantModel):
    """A realised value from before or outside Nyata's own reporting (e.g. BPS figures)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.DecimalField(_("realisasi"), max_digits=20,
        decimal_places=4)
    source = models.CharField(_("sumber"), max_length=500, blank=True)

    class Meta:
        ordering = ["indicator_id", "year"]
        constraints = [models.UniqueConstraint(fields=["pemda", "indicator", "year"],
                                               name="indicatoractual_unique_year")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"


class Program(TenantModel):
    """A program of an agency with its official code (Permendagri 90/2019 nomenclature)."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="programs")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="plan_programs",
                               verbose_name=_("perangkat daerah"))
    agency_objective = models.ForeignKey(
        AgencyObjective, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="programs", verbose_name=_("sasaran perangkat daerah"),
    )
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama program"), max_length=400)
    # The unit (bidang) whose head carries this program's indicators in their PK.
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("unit penanggung jawab"))
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["period_id", "agency_id", "code"]
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [models.UniqueConstraint(fields=["pemda", "period", "agency", "code"],
                                               name="program_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Activity(TenantModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama kegiatan"), max_length=400)
    # The unit (seksi, sub bagian) whose head carries this activity's indicators.
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("unit penanggung jawab"))

    class Meta:
        ordering = ["program_id", "code"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        constraints = [models.UniqueConstraint(fields=["pemda", "program", "code"],
                                               name="activity_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SubActivity(TenantModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sub_activities")
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama sub kegiatan"), max_length=400)
    # Empty: the activity's unit carries it.
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("unit penanggung jawab"))

    class Meta:
        ordering = ["activity_id", "code"]
        verbose_name = _("sub kegiatan")
        verbose_name_plural = _("sub kegiatan")
        constraints = [models.UniqueConstraint(fields=["pemda", "activity", "code"],
                                               name="subactivity_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BudgetCeiling(TenantModel):
    """The indicative budget ceiling (*pagu indikatif*, rupiah) of one program, activity or
    sub-activity in one year."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="ceilings")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="ceilings")
    sub_activity = models.ForeignKey(SubActivity, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="ceilings")
    year = models.PositiveSmallIntegerField(_("tahun"))
    amount = models.DecimalField(_("pagu (Rp)"), max_digits=20, decimal_places=2)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(program__isnull=False, activity__isnull=True, sub_activity__isnull=True)
                    | Q(program__isnull=True, activity__isnull=False, sub_activity__isnull=True)
                    | Q(program__isnull=True, activity__isnull=True, sub_activity__isnull=False)
                ),
                name="budgetceiling_exactly_one_item",
            ),
            models.UniqueConstraint(fields=["pemda", "program", "year"],
                                    condition=Q(program__isnull=False),
                                    name="budgetceiling_unique_program_year"),
            models.UniqueConstraint(fields=["pemda", "activity", "year"],
                                    condition=Q(activity__isnull=False),
                                    name="budgetceiling_unique_activity_year"),
            models.UniqueConstraint(fields=["pemda", "sub_activity", "year"],
                                    condition=Q(sub_activity__isnull=False),
                                    name="budgetceiling_unique_subactivity_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgetceiling_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: Rp{self.amount}"
