"""Demo data of the agreements app; called by nyata.demo.loader inside the Pemda's scope.

The 2026 ceremony of the seed: "Penandatanganan Perjanjian Kinerja dan Pakta Integritas Tahun
2026", Griya Agung Palembang, 21 January 2026, with every agency head's (and the Sekda's) PK
and pact. Most are signed (recorded by the loader on the officials' behalf, without a second
factor, and sealed); a few are pending so the ceremony can be walked through:

- KA-DINKES's PK stays a draft (the admin locks it; `kadinkes` then `gubernur` sign it);
  KA-DINKES's pact is signed already, so the row turns green once the PK is signed;
- three PKs are locked and wait for their first party, two wait for the governor;
- KA-DISBUDPAR's signed PK has a *PK perubahan* being drafted after the budget revision.

Demo second factor: in demo mode only (settings.DEMO_MODE), the users `gubernur` and
`kadinkes` get a TOTP device with the fixed key `DEMO_TOTP_KEY` (hex; the same key in base32
is `DEMO_TOTP_BASE32`, for an authenticator app). Never in production.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.agreements import actions
from nyata.agreements.models import Agreement, Ceremony, Signature
from nyata.core import accounts, otp
from nyata.core.models import Account, Assignment, Pemda, Position, User
from nyata.planning import actions as planning_actions

NAME = "Penandatanganan Perjanjian Kinerja dan Pakta Integritas Tahun 2026"
PLACE = "Griya Agung Palembang"
DATE = dt.date(2026, 1, 21)
DEMO_TOTP_KEY = b"Nyata-Demo-TOTP-2026".hex()
DEMO_TOTP_BASE32 = base64.b32encode(b"Nyata-Demo-TOTP-2026").decode()
SIGNERS = {"gubernur": "GUB", "kadinkes": "KA-DINKES"}
DRAFT = {("pk", "KA-DINKES")}
AWAIT_FIRST = {"KA-DISHUB", "KA-DISKOMINFO", "KA-DPMPTSP"}
AWAIT_SECOND = {"KA-DINSOS", "KA-DISDIK"}
# A PK perubahan being drafted after the 2026 budget revision (APBD Perubahan): the signed PK
# stays the one in force until the amendment is signed (illustrative).
AMENDED = "KA-DISBUDPAR"
AMENDMENT_NOTE = "APBD Perubahan 2026: pagu program kunjungan wisata ditambah Rp7,5 miliar (ilustratif)."
AMENDMENT_ADDED = Decimal("7500000000")
AMENDMENT_DATE = dt.date(2026, 10, 15)


def _links(pemda: Pemda) -> None:
    for username, position_code in SIGNERS.items():
        user = User.objects.filter(username=username).first()
        position = Position.objects.filter(code=position_code).first()
        if user is None or position is None:
            continue
        holder = Assignment.objects.filter(position=position, end__isnull=True).select_related("official").first()
        if holder is None:
            continue
        if accounts.official_for_user(user) is None:
            accounts.account_link_official(actor=None, pemda=pemda, user=user, official=holder.official)
        if settings.DEMO_MODE and not TOTPDevice.objects.filter(user=user, name=otp.DEMO_DEVICE_NAME).exists():
            TOTPDevice.objects.create(user=user, name=otp.DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)


def _sign_as_demo(agreement: Agreement, party: str, at: dt.datetime) -> None:
    official = agreement.first_party if party == Signature.Party.FIRST else agreement.second_party
    assert official is not None
    link = Account.objects.filter(official=official).select_related("user").first()
    actions.record_signature(actor=None, agreement=agreement, party=party, official=official,
                             otp_verified=False, signed_at=at)
    if link is not None:  # the demo signature belongs to the linked account, for the record
        Signature.objects.filter(agreement=agreement, party=party).update(user=link.user)


def load(pemda: Pemda) -> None:
    """Add this app's demo rows for the province (idempotent)."""
    _links(pemda)
    if Ceremony.objects.filter(name=NAME, year=2026).exists():
        return
    ceremony = actions.ceremony_create(actor=None, pemda=pemda, name=NAME, place=PLACE, date=DATE, year=2026)
    created = actions.ceremony_generate(actor=None, ceremony=ceremony, illustrative=True)
    tz = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(2026, 1, 21, 9, 30, tzinfo=tz)
    for i, agreement in enumerate(sorted(created, key=lambda a: (a.position.code, a.kind))):
        code = agreement.position.code
        if (agreement.kind, code) in DRAFT:
            continue
        actions.agreement_lock(actor=None, agreement=agreement)
        if agreement.kind == Agreement.Kind.PK and code in AWAIT_FIRST:
            continue
        at = start + dt.timedelta(minutes=i)
        _sign_as_demo(agreement, Signature.Party.FIRST, at)
        if agreement.second_party_id is None or (agreement.kind == Agreement.Kind.PK and code in AWAIT_SECOND):
            continue
        _sign_as_demo(agreement, Signature.Party.SECOND, at + dt.timedelta(seconds=30))
    _amend(created)


def _amend(created: list[Agreement]) -> None:
    """The budget revision adds to one program's ceiling, then the agency's PK perubahan takes the plan."""
    original = next((a for a in created if a.kind == Agreement.Kind.PK and a.position.code == AMENDED), None)
    if original is None:
        return
    original.refresh_from_db()
    if original.status != Agreement.Status.SIGNED:
        return
    program = original.programs.filter(budget__gt=0).order_by("-code").first()
    if program is not None:
        planning_actions.ceiling_set(actor=None, item=program.program, year=original.year,
                                     amount=program.budget + AMENDMENT_ADDED, is_illustrative=True)
    actions.agreement_amend(actor=None, agreement=original, reason=Agreement.AmendmentReason.PROGRAM_BUDGET_CHANGE,
                            note=AMENDMENT_NOTE, signing_date=AMENDMENT_DATE)
