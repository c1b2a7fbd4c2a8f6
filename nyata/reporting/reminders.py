"""Deadline reminders by e-mail, sent by a scheduled task (`nyata send_reminders` from cron).

Who is reminded: operators and heads of an agency whose quarter is not yet submitted, when the
deadline is at most `NYATA_REMINDER_DAYS` (default 3) days away or has passed (for at most 30
days); inspectors when submitted items wait for verification. One e-mail per person, quarter
and kind per day (`ReminderLog`), so running the task twice a day sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from nyata.core.models import Agency, Membership, Pemda, Quarter, User
from nyata.core.roles import Role
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.reporting.models import ReminderLog, Status
from nyata.reporting.queries import entry_rows


def due_quarters(today: dt.date) -> list[Quarter]:
    ahead = int(getattr(settings, "NYATA_REMINDER_DAYS", 3))
    return list(
        Quarter.objects.filter(
            report_deadline__lte=today + dt.timedelta(days=ahead), report_deadline__gte=today - dt.timedelta(days=30),
            start__lte=today,
        ).select_related("fiscal_year")
    )


def _message(user: User, quarter: Quarter, lines: list[str], today: dt.date) -> tuple[str, str]:
    days = (quarter.report_deadline - today).days
    when = (_("batas laporan %(d)s (%(n)d hari lagi)") % {"d": quarter.report_deadline.isoformat(), "n": days}
            if days >= 0 else
            _("batas laporan %(d)s sudah lewat %(n)d hari") % {"d": quarter.report_deadline.isoformat(), "n": -days})
    subject = _("[Nyata] Pengingat laporan %(q)s: %(when)s") % {"q": quarter, "when": when}
    body = "\n".join([_("Yth. %(name)s,") % {"name": user.get_full_name() or user.username}, "",
                      _("Hal berikut menunggu Anda untuk %(q)s (%(when)s):") % {"q": quarter, "when": when}, "",
                      *[f"- {line}" for line in lines], "",
                      _("Buka Nyata, menu Laporan → Tugas Saya.")])
    return subject, body


def remind_pemda(pemda: Pemda, today: dt.date | None = None) -> int:
    """Send today's reminders for one Pemda; returns the number of e-mails sent."""
    today = today or timezone.localdate()
    sent = 0
    with tenant_scope(pemda):
        members = list(Membership.objects.select_related("user").exclude(user__email=""))
        by_agency: dict[int, list[Membership]] = defaultdict(list)
        inspectors = [m.user for m in members if m.role == Role.INSPECTOR]
        for m in members:
            if m.agency_id:
                by_agency[m.agency_id].append(m)
        for q in due_quarters(today):
            for agency in Agency.objects.filter(pk__in=by_agency):
                rows = entry_rows(agency, q)
                open_rows = [ai.name for ai, r in rows if r is None or r.status in (Status.DRAFT, Status.RETURNED)]
                if not open_rows:
                    continue
                for m in by_agency[agency.pk]:
                    lines = ([_("%(n)d indikator %(a)s belum diajukan: %(names)s")
                              % {"n": len(open_rows), "a": agency, "names": "; ".join(open_rows[:5])}])
                    sent += _send(pemda, m.user, q, f"open_{m.role}", lines, today)
            waiting = _waiting(q)
            if waiting:
                for user in inspectors:
                    sent += _send(pemda, user, q, "verify",
                                  [_("%(n)d realisasi menunggu verifikasi.") % {"n": waiting}], today)
    return sent


def _waiting(q: Quarter) -> int:
    from nyata.reporting.models import Realisation

    return Realisation.objects.filter(quarter=q, status=Status.SUBMITTED).count()


def _send(pemda: Pemda, user: User, q: Quarter, kind: str, lines: list[str], today: dt.date) -> int:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(pemda=pemda, user=user, quarter=q, kind=kind, day=today, items=len(lines))
    except IntegrityError:
        return 0  # already reminded today
    subject, body = _message(user, q, lines, today)
    send_mail(subject, body, None, [user.email])
    return 1


@task()
def send_reminders_task(pemda_id: int) -> int:
    """Background entry point: pass ids, re-enter the tenant scope from the id."""
    with unscoped():
        pemda = Pemda.objects.get(pk=pemda_id)
    return remind_pemda(pemda)
