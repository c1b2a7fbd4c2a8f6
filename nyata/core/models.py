"""Tenancy, periods, organisation, people, roles and the audit chain."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nyata.core.nip import validate_nip
from nyata.core.roles import AGENCY_ROLES, Role
from nyata.core.tenancy import TenantManager, TenantModel

# Kemendagri region codes (Permendagri 72/2019): a province "16", a regency or city "16.07".
PROVINCE_CODE_RE = re.compile(r"^\d{2}$")
REGENCY_CODE_RE = re.compile(r"^\d{2}\.\d{2}$")


class Pemda(models.Model):
    """A regional government: the tenant."""

    class Kind(models.TextChoices):
        PROVINCE = "provinsi", _("Provinsi")
        REGENCY = "kabupaten", _("Kabupaten")
        CITY = "kota", _("Kota")

    code = models.CharField(_("kode wilayah Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    capital = models.CharField(_("ibu kota"), max_length=100, blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    head_title = models.CharField(_("sebutan kepala daerah"), max_length=50, default="Gubernur")
    reporting_deadline_days = models.PositiveSmallIntegerField(
        _("batas lapor (hari setelah akhir triwulan)"), default=10
    )
    score_cap = models.PositiveSmallIntegerField(_("batas atas capaian untuk skor"), null=True, blank=True, default=120)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("provinsi induk"),
    )
    public_base_url = models.URLField(
        _("alamat publik"), max_length=200, blank=True,
        help_text=_("Alamat yang dicetak pada kode QR dan tautan e-mail, misalnya https://kinerja.contohkab.go.id. "
                    "Kosong: memakai NYATA_PUBLIC_BASE_URL."),
    )
    suspended_at = models.DateTimeField(_("ditangguhkan sejak"), null=True, blank=True)
    setup_done_at = models.DateTimeField(_("persiapan selesai"), null=True, blank=True)
    # Roles (from roles.SIGN_IN_FACTOR_OPTIONAL_ROLES) that sign in with a second factor in this
    # Pemda, besides those that always do (roles.SIGN_IN_FACTOR_ROLES).
    sign_in_factor_roles = models.JSONField(_("peran lain yang masuk dengan kode autentikator"), default=list,
                                            blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Pemda")
        verbose_name_plural = _("Pemda")

    def __str__(self) -> str:
        return self.name

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def clean(self) -> None:
        """The region code fits the kind, and a regency or city sits under a province."""
        code = (self.code or "").strip()
        if self.kind == self.Kind.PROVINCE:
            if not PROVINCE_CODE_RE.match(code):
                raise ValidationError({"code": _("Kode wilayah provinsi %(c)s tidak valid: dua digit, misalnya 16.")
                                       % {"c": code or "—"}})
            if self.parent_id is not None:
                raise ValidationError({"parent": _("Provinsi tidak memiliki provinsi induk.")})
        elif self.kind in (self.Kind.REGENCY, self.Kind.CITY):
            if not REGENCY_CODE_RE.match(code):
                raise ValidationError({"code": _("Kode wilayah kabupaten/kota %(c)s tidak valid: dua digit provinsi, "
                                                 "titik, dua digit, misalnya 16.07.") % {"c": code or "—"}})
            parent = self.parent if self.parent_id else None
            if parent is not None:
                if parent.kind != self.Kind.PROVINCE:
                    raise ValidationError({"parent": _("Induk %(p)s bukan provinsi; kabupaten/kota harus berinduk "
                                                       "pada provinsi.") % {"p": parent.code}})
                if not code.startswith(parent.code + "."):
                    raise ValidationError({"parent": _("Kode %(c)s tidak berada di bawah provinsi %(p)s.")
                                           % {"c": code, "p": parent.code}})


class Location(TenantModel):
    """A regency or city inside a province, used as a location (not a tenant)."""

    code = models.CharField(_("kode"), max_length=13)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=100, blank=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Pemda.Kind.choices)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["pemda", "code"], name="location_unique_code")]

    def __str__(self) -> str:
        return self.name


class FiscalYear(TenantModel):
    class State(models.TextChoices):
        PLANNING = "planning", _("Perencanaan")
        RUNNING = "running", _("Berjalan")
        CLOSED = "closed", _("Ditutup")

    year = models.PositiveSmallIntegerField(_("tahun"))
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default="planning")

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["pemda", "year"], name="fiscalyear_unique")]

    def __str__(self) -> str:
        return str(self.year)


class Quarter(TenantModel):
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="quarters")
    number = models.PositiveSmallIntegerField(_("triwulan"))
    start = models.DateField(_("mulai"))
    end = models.DateField(_("selesai"))
    report_deadline = models.DateField(_("batas laporan"))

    class Meta:
        ordering = ["fiscal_year_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "fiscal_year", "number"], name="quarter_unique"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="quarter_number_1_4"),
        ]

    def __str__(self) -> str:
        roman = ["I", "II", "III", "IV"][self.number - 1]
        return f"TW {roman} {self.fiscal_year.year}"


class Agency(TenantModel):
    """A regional agency (Perangkat Daerah / OPD)."""

    class Kind(models.TextChoices):
        SECRETARIAT = "sekretariat", _("Sekretariat")
        BUREAU = "biro", _("Biro")
        INSPECTORATE = "inspektorat", _("Inspektorat")
        BOARD = "badan", _("Badan")
        OFFICE = "dinas", _("Dinas")
        SATPOL_PP = "satpol_pp", _("Satpol PP")
        HOSPITAL = "rsud", _("RSUD")
        OTHER = "lainnya", _("Lainnya")

    code = models.CharField(_("kode"), max_length=30)
    name = models.CharField(_("nama"), max_length=200)
    abbreviation = models.CharField(_("singkatan"), max_length=60, blank=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")
        constraints = [models.UniqueConstraint(fields=["pemda", "code"], name="agency_unique_code")]

    def __str__(self) -> str:
        return self.abbreviation or self.name


class Unit(TenantModel):
    """A sub-unit of an agency (bidang, bagian, UPTD), nested as a hierarchy."""

    class Kind(models.TextChoices):
        SECRETARIAT = "sekretariat", _("Sekretariat")
        DIVISION = "bidang", _("Bidang")
        SECTION = "bagian", _("Bagian")
        SUBDIVISION = "subbidang", _("Sub Bidang / Seksi")
        UPTD = "uptd", _("UPTD")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["agency_id", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.agency_id != self.agency_id:
            raise ValidationError({"parent": _("Unit induk harus dari perangkat daerah yang sama.")})
        if _makes_cycle(self, "parent"):
            raise ValidationError({"parent": _("Unit ini tidak dapat menjadi induk dirinya sendiri, "
                                               "langsung maupun melalui unit di bawahnya.")})


# Deeper than any real organisation chart; a longer chain is treated as a cycle.
MAX_HIERARCHY_DEPTH = 50


def _makes_cycle(obj: models.Model, parent_field: str) -> bool:
    """Whether pointing `obj` at its chosen parent would make it its own ancestor."""
    if obj.pk is None:
        return False  # a new row has no descendants yet
    seen = {obj.pk}
    node = getattr(obj, parent_field)
    for _depth in range(MAX_HIERARCHY_DEPTH):
        if node is None:
            return False
        if node.pk in seen:
            return True
        seen.add(node.pk)
        node = getattr(node, parent_field)
    return True


class Position(TenantModel):
    """A post (jabatan); PK pairs follow superior-subordinate posts, not echelons."""

    class Level(models.TextChoices):
        REGIONAL_HEAD = "kepala_daerah", _("Kepala Daerah")
        DEPUTY_HEAD = "wakil_kepala_daerah", _("Wakil Kepala Daerah")
        JPT_MADYA = "jpt_madya", _("JPT Madya")
        JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
        ADMINISTRATOR = "administrator", _("Administrator")
        SUPERVISOR = "pengawas", _("Pengawas")
        FUNCTIONAL = "fungsional", _("Fungsional")

    code = models.CharField(_("kode jabatan"), max_length=40)
    name = models.CharField(_("nama jabatan"), max_length=200)
    level = models.CharField(_("jenjang"), max_length=24, choices=Level.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="positions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="positions")
    superior = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="subordinates")
    is_agency_head = models.BooleanField(_("kepala perangkat daerah"), default=False)

    class Meta:
        ordering = ["agency__code", "level", "name"]
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        constraints = [models.UniqueConstraint(fields=["pemda", "code"], name="position_unique_code")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if _makes_cycle(self, "superior"):
            raise ValidationError({"superior": _("Jabatan tidak dapat menjadi atasan dirinya sendiri, "
                                                 "langsung maupun melalui bawahannya.")})


class Official(TenantModel):
    class Sex(models.TextChoices):
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    name = models.CharField(_("nama lengkap dan gelar"), max_length=200)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 digit; kosong untuk pejabat negara yang dipilih (kepala daerah)."),
    )
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    is_illustrative = models.BooleanField(
        _("data ilustratif"),
        default=False,
        help_text=_("Nama contoh untuk demo, bukan pejabat sebenarnya."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("pejabat")
        verbose_name_plural = _("pejabat")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "nip"], condition=~Q(nip=""), name="official_unique_nip")
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(TenantModel):
    """Who held which post from when to when; acting holders (Plt.) included."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="assignments")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="assignments")
    start = models.DateField(_("mulai"))
    end = models.DateField(_("selesai"), null=True, blank=True)
    acting = models.BooleanField(_("Plt."), default=False)
    decree = models.CharField(_("nomor SK"), max_length=120, blank=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="assignment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        prefix = "Plt. " if self.acting else ""
        return f"{prefix}{self.position} — {self.official}"

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        mine_end = self.end or dt.date.max
        other_end = end or dt.date.max
        return self.start <= other_end and start <= mine_end


class User(AbstractUser):
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # The host of a multi-Pemda installation: above every Pemda, holds no membership in any
    # and reads none of their content (Role.PLATFORM_OPERATOR, granted by this flag).
    is_platform_operator = models.BooleanField(_("operator platform"), default=False)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


# A fixed order, so the check constraint (and its migration) is the same in every process.
_AGENCY_ROLE_VALUES = sorted(str(r) for r in AGENCY_ROLES)


class Membership(TenantModel):
    """A role held by a user in one Pemda (and, for agency roles, one agency)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "user", "role", "agency"], name="membership_unique"),
            models.CheckConstraint(
                condition=(
                    Q(role__in=_AGENCY_ROLE_VALUES, agency__isnull=False)
                    | (~Q(role__in=_AGENCY_ROLE_VALUES) & Q(agency__isnull=True))
                ),
                name="membership_agency_iff_agency_role",
            ),
        ]

    def __str__(self) -> str:
        where = f" — {self.agency}" if self.agency_id else ""
        return f"{self.get_role_display()}{where}"


class Account(TenantModel):
    """A user's place in one Pemda: whether it is active, and which official the user is.

    The Pemda's user directory lists its accounts; deactivating one keeps the row (and the
    user's signatures and history) and removes the roles. The linked official is who the user
    signs as: the official's assignments decide which posts' agreements that is.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="accounts")
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts", verbose_name=_("pejabat")
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("dinonaktifkan"), null=True, blank=True)

    class Meta:
        ordering = ["user_id"]
        verbose_name = _("akun")
        verbose_name_plural = _("akun")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "user"], name="account_unique_user"),
            models.UniqueConstraint(
                fields=["pemda", "official"], condition=Q(official__isnull=False), name="account_unique_official"
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class YearRules(TenantModel):
    """The Pemda's own choices for one fiscal year where the regulations leave them open.

    An empty field means the default (domain.md Part A), applied by the code that uses the rule:
    the scoring engine's `ScoringConfig`, the IKM and IID rules in `products/ikm.py`. Reporting
    deadlines are the year's `Quarter.report_deadline`.
    """

    class Cap(models.TextChoices):
        NONE = "none", _("Tanpa batas")
        C100 = "100", "100"
        C110 = "110", "110"
        C120 = "120", "120"

    class LowerFormula(models.TextChoices):
        DEFAULT = "default", _("(2 − R/T) × 100 (baku)")
        INVERSE = "inverse", _("T/R × 100")

    class IkmWeighting(models.TextChoices):
        EXACT = "exact", _("Tepat 1/9 per unsur")
        ROUNDED = "rounded", _("0,11 per unsur (pembulatan peraturan)")

    fiscal_year = models.OneToOneField(FiscalYear, on_delete=models.CASCADE, related_name="rules")
    cap = models.CharField(_("batas atas capaian"), max_length=4, choices=Cap.choices, blank=True)
    lower_formula = models.CharField(
        _("rumus indikator makin kecil makin baik"), max_length=8, choices=LowerFormula.choices, blank=True
    )
    very_high_from = models.DecimalField(
        _("Sangat Tinggi mulai"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    high_from = models.DecimalField(_("Tinggi mulai"), max_digits=6, decimal_places=2, null=True, blank=True)
    medium_from = models.DecimalField(_("Sedang mulai"), max_digits=6, decimal_places=2, null=True, blank=True)
    low_from = models.DecimalField(_("Rendah mulai"), max_digits=6, decimal_places=2, null=True, blank=True)
    # {agency id: {indicator code: weight as text}}: the weights of an agency's PK indicators.
    weights = models.JSONField(_("bobot indikator"), default=dict, blank=True)
    ikm_weighting = models.CharField(_("bobot unsur IKM"), max_length=8, choices=IkmWeighting.choices, blank=True)
    ikm_a_from = models.DecimalField(_("IKM mutu A mulai"), max_digits=5, decimal_places=2, null=True, blank=True)
    ikm_b_from = models.DecimalField(_("IKM mutu B mulai"), max_digits=5, decimal_places=2, null=True, blank=True)
    ikm_c_from = models.DecimalField(_("IKM mutu C mulai"), max_digits=5, decimal_places=2, null=True, blank=True)
    iid_very_innovative_from = models.DecimalField(
        _("IID Sangat Inovatif mulai"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    iid_innovative_from = models.DecimalField(
        _("IID Inovatif mulai"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    changed_at = models.DateTimeField(_("diubah"), null=True, blank=True)

    class Meta:
        ordering = ["fiscal_year_id"]
        verbose_name = _("aturan tahunan")
        verbose_name_plural = _("aturan tahunan")
        constraints = [models.UniqueConstraint(fields=["pemda", "fiscal_year"], name="yearrules_unique")]

    def __str__(self) -> str:
        return f"{self.fiscal_year_id}"

    def thresholds(self) -> tuple[float, float, float, float] | None:
        values = (self.very_high_from, self.high_from, self.medium_from, self.low_from)
        if any(v is None for v in values):
            return None
        return tuple(float(v) for v in values)  # type: ignore[return-value,arg-type]  # four values, none None (tested above)

    def weight(self, agency_id: int, indicator_code: str) -> float | None:
        raw = (self.weights or {}).get(str(agency_id), {}).get(indicator_code)
        return None if raw in (None, "") else float(raw)


class AuditEvent(TenantModel):
    """An append-only, hash-chained record of a change or workflow action."""

    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["pemda", "seq"], name="auditevent_unique_seq")]
        indexes = [models.Index(fields=["pemda", "object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The last event of a Pemda's chain; locked while appending (one per Pemda)."""

    pemda = models.OneToOneField(Pemda, on_delete=models.PROTECT, primary_key=True, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    objects: models.Manager[Any] = models.Manager()

    class Meta:
        # The head is tenant-keyed by its primary key; no TenantManager since the
        # audit writer locks it by pemda id explicitly.
        pass

    def __str__(self) -> str:
        return f"{self.pemda_id}:{self.seq}"


class SecurityEvent(models.Model):
    """A security event (sign-in, lockout, second factor, password, role, seal, export).

    Hash-chained like the audit log, one chain per Pemda (`chain` = the Pemda's id) and one for
    the platform (`chain` = 0: unknown user names, platform operators). Append-only in the
    database. Not a tenant model: a failed sign-in happens before any Pemda is in scope; the one
    page that lists events filters by chain explicitly.
    """

    chain = models.PositiveBigIntegerField()
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="securityevent_unique_seq")]
        indexes = [models.Index(fields=["chain", "-created_at"], name="security_recent")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"


class SecurityChainHead(models.Model):
    """The last security event of a chain; locked while appending."""

    chain = models.PositiveBigIntegerField(primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain}:{self.seq}"


# Role lives in core.roles with every set of roles; re-exported because Membership.role uses it.
__all__ = ["AGENCY_ROLES", "Role", "TenantManager"]
