"""Writes for the core app. Each action owns its transaction and its audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from nyata.core import anchors, audit, security_events
from nyata.core.access import require
from nyata.core.models import Account, Agency, Assignment, FiscalYear, Membership, Pemda, Quarter, User
from nyata.core.roles import ADMINS, AGENCY_ROLES, MEMBERSHIP_GRANTERS, PLATFORM_ROLES, Role
from nyata.core.tenancy import TenantModel

M = TypeVar("M", bound=models.Model)
T = TypeVar("T", bound=TenantModel)


def _validate(obj: models.Model) -> None:
    """Model validation, with the unique checks that include the tenant column."""
    obj.full_clean()


@transaction.atomic
def record_save(*, actor: User | None, obj: M) -> M:
    """Create or update a plain tenant record, keeping its history in the audit chain.

    The building block of the named actions: it checks the model's own validation, not who
    acts nor the rules of a kind of record — the action that calls it does both.
    """
    _validate(obj)
    if obj.pk is None:
        obj.save()
        audit.record_create(actor, obj)
    else:
        before = audit.snapshot(type(obj)._default_manager.get(pk=obj.pk))
        obj.save()
        audit.record_update(actor, obj, before)
    return obj


@transaction.atomic
def record_delete(*, actor: User | None, obj: models.Model) -> None:
    audit.record_delete(actor, obj)
    try:
        obj.delete()
    except models.ProtectedError as e:
        raise ValidationError(_("Data ini tidak dapat dihapus karena masih dipakai oleh data lain.")) from e


@transaction.atomic
def organisation_save(*, actor: User | None, obj: T) -> T:
    """Create or update a row of the organisation (agency, unit, position, official): admins only."""
    require(actor, obj.pemda_id, ADMINS)
    return record_save(actor=actor, obj=obj)


@transaction.atomic
def assignment_save(*, actor: User | None, assignment: Assignment) -> Assignment:
    """Put an official in a post (or change the dates): admins only, one holder per post."""
    require(actor, assignment.pemda_id, ADMINS)
    assignment_check(assignment)
    return record_save(actor=actor, obj=assignment)


def assignment_check(a: Assignment) -> None:
    """An official holds at most one definitive post of a level at once; a post one holder."""
    if a.end is not None and a.end < a.start:
        raise ValidationError({"end": _("Tanggal selesai tidak boleh sebelum tanggal mulai.")})
    if a.position_id is None or a.official_id is None:
        return
    others = Assignment.objects.filter(pemda_id=a.pemda_id).exclude(pk=a.pk).select_related("position")
    if a.position.pemda_id != a.pemda_id or a.official.pemda_id != a.pemda_id:
        raise ValidationError(_("Pejabat dan jabatan harus dari Pemda yang sama."))
    for other in others.filter(official_id=a.official_id, acting=a.acting):
        if other.position.level == a.position.level and other.overlaps(a.start, a.end):
            raise ValidationError(
                _("%(official)s sudah memegang jabatan %(level)s lain (%(position)s) pada periode yang sama.")
                % {
                    "official": a.official,
                    "level": a.position.get_level_display(),
                    "position": other.position,
                }
            )
    for other in others.filter(position_id=a.position_id, acting=a.acting):
        if other.overlaps(a.start, a.end):
            kind = _("Plt.") if a.acting else _("definitif")
            raise ValidationError(
                _("Jabatan %(position)s sudah diisi pejabat %(kind)s lain (%(official)s) pada periode itu.")
                % {"position": a.position, "kind": kind, "official": other.official}
            )


def membership_check(m: Membership) -> None:
    if m.role == Role.PLATFORM_OPERATOR or (m.user_id is not None and m.user.is_platform_operator):
        raise ValidationError({"role": _("Operator platform tidak memegang peran di Pemda mana pun.")})
    if m.role in AGENCY_ROLES:
        if m.agency_id is None:
            raise ValidationError({"agency": _("Peran ini harus terikat pada satu perangkat daerah.")})
        if m.agency is not None and m.agency.pemda_id != m.pemda_id:
            raise ValidationError({"agency": _("Perangkat daerah itu milik Pemda lain; peran tidak dapat diberikan.")})
    elif m.agency_id is not None:
        raise ValidationError({"agency": _("Peran ini berlaku untuk seluruh Pemda, tanpa perangkat daerah.")})


@transaction.atomic
def pemda_create(*, actor: User | None, code: str, name: str, kind: str, **fields: Any) -> Pemda:
    require(actor, 0, PLATFORM_ROLES)  # no Pemda yet: the platform operator (or the system)
    pemda = Pemda(code=code, name=name, kind=kind, **fields)
    pemda.full_clean()
    pemda.save()
    audit.record(
        pemda=pemda, actor=actor, action="nyata.pemda.created", obj=pemda, data={"after": audit.snapshot(pemda)}
    )
    return pemda


FIRST_YEAR, LAST_YEAR = 2000, 2100  # fiscal years Nyata plans and reports (year 0 or 99999: no date)


def check_fiscal_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": _("Tahun anggaran harus antara %(a)d dan %(b)d.")
                               % {"a": FIRST_YEAR, "b": LAST_YEAR}})


@transaction.atomic
def fiscal_year_create(
    *, actor: User | None, pemda: Pemda, year: int, state: str = FiscalYear.State.PLANNING
) -> FiscalYear:
    """A fiscal year with its four quarters and their reporting deadlines."""
    require(actor, pemda.pk, ADMINS)
    check_fiscal_year(year)
    fy = record_save(actor=actor, obj=FiscalYear(pemda=pemda, year=year, state=state))
    for number in range(1, 5):
        start = dt.date(year, 3 * number - 2, 1)
        end = (dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)) - dt.timedelta(days=1)
        Quarter.objects.create(
            pemda=pemda,
            fiscal_year=fy,
            number=number,
            start=start,
            end=end,
            report_deadline=end + dt.timedelta(days=pemda.reporting_deadline_days),
        )
    return fy


@transaction.atomic
def fiscal_year_set_state(*, actor: User | None, fiscal_year: FiscalYear, state: str) -> FiscalYear:
    require(actor, fiscal_year.pemda_id, ADMINS)
    before = audit.snapshot(fiscal_year)
    fiscal_year.state = state
    fiscal_year.full_clean()
    fiscal_year.save(update_fields=["state"])
    audit.record_update(actor, fiscal_year, before, action="nyata.fiscalyear.state_changed")
    return fiscal_year


@transaction.atomic
def membership_grant(
    *, actor: User | None, pemda: Pemda, user: User, role: str, agency: Agency | None = None
) -> Membership:
    require(actor, pemda.pk, MEMBERSHIP_GRANTERS)
    m = Membership(pemda=pemda, user=user, role=Role(role), agency=agency)
    membership_check(m)
    m = record_save(actor=actor, obj=m)
    if not Account.objects.filter(pemda=pemda, user=user).exists():  # the user now belongs to this Pemda's directory
        record_save(actor=actor, obj=Account(pemda=pemda, user=user))
    return m


def chain_anchor(*, actor: User | None, pemda: Pemda) -> anchors.Anchor:
    """Anchor the Pemda's audit chain: the daily run (`actor` None) or a performance admin, now.

    The chain is proved first: a broken one is refused with the reason, nothing is anchored, and
    the break is a security event with an alert. An admin's request is an event in the chain, and
    the anchor, written after it commits, covers it. Each anchor is a use of the seal.
    """
    require(actor, pemda.pk, ADMINS)
    broken = audit.verify_pemda(pemda)
    if broken:
        security_events.record(security_events.AUDIT_BROKEN, actor=actor, pemda=pemda,
                               data={"break": str(broken[0])[:500]}, alert=True)
        raise ValidationError(_("Rantai audit tidak utuh, jangkar tidak dibuat: %(b)s") % {"b": broken[0]})
    if actor is not None:
        with transaction.atomic():
            audit.record(pemda=pemda, actor=actor, action="nyata.audit.anchor_requested", obj=pemda)
    anchor = audit.anchor(pemda, by=actor.get_username() if actor is not None else "system")
    security_events.record(security_events.SEAL_USED, actor=actor, pemda=pemda,
                           data={"purpose": "audit_anchor", "seq": anchor.seq, "line": anchor.line_no,
                                 "line_sha256": anchor.line_sha256, "file": anchor.file_id})
    return anchor
