"""The setup checklist of a new Pemda: the path from nothing to signed PKs, and where it stands.

Each step counts what is in place and names what is missing, with the template to download
and the page to go to. A fixed number of count queries, whatever the size of the Pemda.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.agreements.models import Agreement, Ceremony
from nyata.core.accounts import public_base_url
from nyata.core.models import Account, Agency, FiscalYear, Membership, Official, Pemda, Position, Role
from nyata.planning.models import Indicator, IndicatorTarget, PlanPeriod


@dataclass
class Step:
    key: str
    title: str
    done: bool
    counts: list[tuple[str, int]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


def setup_year() -> int:
    """The year being set up: the latest fiscal year that is not closed, else this year."""
    fy = FiscalYear.objects.exclude(state=FiscalYear.State.CLOSED).order_by("-year").first()
    return fy.year if fy else timezone.localdate().year


def steps(pemda: Pemda, year: int) -> list[Step]:
    out: list[Step] = []
    url = public_base_url(pemda)
    profile = Step(
        "profile",
        _("Profil Pemda dan alamat publik"),
        bool(pemda.public_base_url),
        links=[(_("Ubah profil Pemda"), reverse("pemda_profile"))],
    )
    profile.counts.append((_("Alamat publik untuk kode QR"), 1 if pemda.public_base_url else 0))
    if not pemda.public_base_url:
        profile.missing.append(_("Alamat publik belum diisi: kode QR akan menunjuk %(u)s.") % {"u": url})
    out.append(profile)

    agencies, positions, officials = Agency.objects.count(), Position.objects.count(), Official.objects.count()
    heads = Position.objects.filter(is_agency_head=True)
    empty_heads = heads.exclude(assignments__end__isnull=True).count()
    org = Step(
        "organisation",
        _("Organisasi: perangkat daerah, jabatan, pejabat"),
        agencies > 0 and positions > 0 and officials > 0 and empty_heads == 0,
        counts=[(_("Perangkat daerah"), agencies), (_("Jabatan"), positions), (_("Pejabat"), officials)],
        links=[
            (_("Unduh templat organisasi"), reverse("organisation_template")),
            (_("Unggah organisasi"), reverse("organisation_import")),
        ],
    )
    if not agencies:
        org.missing.append(_("Belum ada perangkat daerah."))
    if not positions:
        org.missing.append(_("Belum ada jabatan."))
    if not officials:
        org.missing.append(_("Belum ada pejabat."))
    if empty_heads:
        org.missing.append(_("%(n)d jabatan kepala perangkat daerah belum ada pejabatnya.") % {"n": empty_heads})
    out.append(org)

    accounts = Account.objects.filter(is_active=True).count()
    roles = dict.fromkeys(Role, 0)
    for role in Membership.objects.values_list("role", flat=True):
        roles[Role(role)] += 1
    linked = Account.objects.filter(is_active=True, official__isnull=False).count()
    users = Step(
        "users",
        _("Pengguna dan peran"),
        roles[Role.PLANNER] > 0 and roles[Role.AGENCY_HEAD] > 0 and linked > 0,
        counts=[
            (_("Akun aktif"), accounts),
            (_("Perencana (Bappeda)"), roles[Role.PLANNER]),
            (_("Inspektorat"), roles[Role.INSPECTOR]),
            (_("Kepala perangkat daerah"), roles[Role.AGENCY_HEAD]),
            (_("Operator perangkat daerah"), roles[Role.AGENCY_OPERATOR]),
            (_("Akun yang ditautkan ke pejabat"), linked),
        ],
        links=[
            (_("Pengguna dan undangan"), reverse("membership_list")),
            (_("Unggah lembar Pengguna (templat organisasi)"), reverse("organisation_import")),
        ],
    )
    if not roles[Role.PLANNER]:
        users.missing.append(_("Belum ada perencana (Bappeda) untuk menyusun rencana."))
    if not roles[Role.AGENCY_HEAD]:
        users.missing.append(_("Belum ada kepala perangkat daerah yang diundang."))
    if not linked:
        users.missing.append(
            _("Belum ada akun yang ditautkan ke pejabat: tanpa tautan tak ada yang dapat menandatangani PK.")
        )
    out.append(users)

    period = PlanPeriod.objects.filter(is_current=True, start_year__lte=year, end_year__gte=year).first()
    indicators = Indicator.objects.filter(period=period).count() if period else 0
    targets = IndicatorTarget.objects.filter(indicator__period=period, year=year).count() if period else 0
    has_year = FiscalYear.objects.filter(year=year).exists()
    plan = Step(
        "plan",
        _("Rencana: periode, tujuan, indikator, target %(y)s") % {"y": year},
        period is not None and indicators > 0 and targets > 0 and has_year,
        counts=[
            (_("Periode rencana berlaku"), 1 if period else 0),
            (_("Indikator"), indicators),
            (_("Target tahun %(y)s") % {"y": year}, targets),
        ],
        links=[
            (_("Unduh templat rencana"), reverse("plan_template")),
            (_("Unggah rencana"), reverse("plan_import")),
            (_("Tahun anggaran"), reverse("fiscal_year_list")),
        ],
    )
    if not has_year:
        plan.missing.append(_("Tahun anggaran %(y)s belum dibuat.") % {"y": year})
    if period is None:
        plan.missing.append(_("Belum ada periode rencana (RPJMD) yang mencakup %(y)s.") % {"y": year})
    elif not targets:
        plan.missing.append(_("Belum ada target untuk %(y)s.") % {"y": year})
    out.append(plan)

    pks = Agreement.objects.filter(year=year, kind=Agreement.Kind.PK)
    n_pk = pks.count()
    ceremonies = list(Ceremony.objects.filter(year=year).order_by("date", "pk")[:1])
    drafts = Step(
        "drafts",
        _("Draf PK"),
        n_pk > 0,
        counts=[(_("PK %(y)s") % {"y": year}, n_pk)],
        links=[(_("Acara penandatanganan"), reverse("ceremony_list"))]
        + ([(_("Papan acara"), reverse("ceremony_board", args=[ceremonies[0].pk]))] if ceremonies else []),
    )
    if not ceremonies:
        drafts.missing.append(_("Buat acara penandatanganan %(y)s, lalu susun draf dari rencana.") % {"y": year})
    elif not n_pk:
        drafts.missing.append(_("Susun draf PK dari rencana di papan acara."))
    out.append(drafts)

    signed = pks.filter(status__in=[Agreement.Status.SIGNED, Agreement.Status.SUPERSEDED]).count()
    waiting = pks.filter(Q(status=Agreement.Status.LOCKED) | Q(status=Agreement.Status.SIGNED_FIRST)).count()
    ceremony = Step(
        "ceremony",
        _("Penandatanganan"),
        signed > 0,
        counts=[(_("PK ditandatangani"), signed), (_("Menunggu tanda tangan"), waiting)],
        links=[(_("Acara penandatanganan"), reverse("ceremony_list"))],
    )
    if not signed:
        ceremony.missing.append(
            _("Kunci draf PK, lalu pihak pertama dan kedua menandatangani dengan kode autentikator.")
        )
    out.append(ceremony)
    return out
