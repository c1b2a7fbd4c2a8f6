"""API routes of the agreements app, mounted under /api/v1/ by nyata.api.api.

Public (no login): `GET /agreements/verify/{code}` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema

from nyata.agreements import documents
from nyata.agreements.models import Agreement
from nyata.agreements.views import lookup_code, public_facts
from nyata.api.access import api_policy
from nyata.api.errors import ErrorOut
from nyata.api.types import Id, Year
from nyata.core.access import NyataRequest, Policy, get_for_user, reach
from nyata.core.roles import PEMDA_MEMBERS
from nyata.core.tenancy import unscoped
from nyata.core.typealiases import JSONObject

router = Router(tags=["agreements"])
PUBLIC = Policy(frozenset(), frozenset(), public=True)
F = TypeVar("F", bound=Callable[..., Any])


def public(handler: F) -> F:
    handler.nyata_policy = PUBLIC  # type: ignore[attr-defined]  # read by navigation, may_open and the matrix
    return handler


class AgreementIndicatorOut(Schema):
    indicator_id: int
    objective_text: str
    name: str
    unit: str
    polarity: str
    aggregation: str
    decimals: int
    annual_target: Decimal
    range_low: Decimal | None
    range_high: Decimal | None
    q1_target: Decimal | None
    q2_target: Decimal | None
    q3_target: Decimal | None
    q4_target: Decimal | None


class ProgramOut(Schema):
    program_id: int
    code: str
    name: str
    budget: Decimal


class SignatureOut(Schema):
    party: str
    official: str
    signed_at: dt.datetime
    document_sha256: str
    otp_verified: bool


class AgreementOut(Schema):
    id: int
    kind: str
    year: int
    version: int
    status: str
    position_code: str
    position: str
    agency_code: str | None
    first_party: str
    first_party_acting: bool
    second_party: str | None
    supersedes_id: int | None
    amendment_reason: str
    verification_code: str
    document_sha256: str
    chain_seq: int | None
    chain_hash: str


class AgreementDetailOut(AgreementOut):
    indicators: list[AgreementIndicatorOut]
    programs: list[ProgramOut]
    signatures: list[SignatureOut]


class VerifyOut(Schema):
    code: str
    kind: str
    year: int
    pemda: str
    version: int
    status: str
    current: bool
    superseded_by: str
    first_party: str
    first_party_position: str
    second_party: str | None
    second_party_position: str | None
    signatures: list[dict[str, Any]]
    chain_seq: int | None
    chain_hash: str


def _out(a: Agreement) -> dict[str, Any]:
    return {
        "id": a.pk, "kind": a.kind, "year": a.year, "version": a.version, "status": a.status,
        "position_code": a.position.code, "position": a.position.name,
        "agency_code": a.agency.code if a.agency else None,
        "first_party": a.first_party.name, "first_party_acting": a.first_party_acting,
        "second_party": a.second_party.name if a.second_party else None,
        "supersedes_id": a.supersedes_id, "amendment_reason": a.amendment_reason,
        "verification_code": a.display_code, "document_sha256": a.document_sha256,
        "chain_seq": a.chain_seq, "chain_hash": a.chain_hash,
    }


def _qs() -> Any:
    return Agreement.objects.select_related("position", "agency", "first_party", "second_party")


@router.get("", response=list[AgreementOut])
@api_policy(PEMDA_MEMBERS)
def agreement_list(request: NyataRequest, year: Year | None = None, kind: str | None = None) -> list[JSONObject]:
    qs = reach(request, _qs())
    if year is not None:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return [_out(a) for a in qs]


@router.get("/{agreement_id}", response={200: AgreementDetailOut, 404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def agreement_detail(request: NyataRequest, agreement_id: Id) -> JSONObject:
    a = get_for_user(request, _qs(), "agency", pk=agreement_id)
    return {
        **_out(a),
        "indicators": list(a.indicators.all()),
        "programs": list(a.programs.all()),
        "signatures": [{"party": s.party, "official": s.official.name, "signed_at": s.signed_at,
                        "document_sha256": s.document_sha256, "otp_verified": s.otp_verified}
                       for s in a.signatures.select_related("official")],
    }


@router.get("/{agreement_id}/pdf", response={404: ErrorOut})
@api_policy(PEMDA_MEMBERS)
def agreement_pdf(request: NyataRequest, agreement_id: Id) -> HttpResponse:
    a = get_for_user(request, _qs(), "agency", pk=agreement_id)
    name, ctype, content = documents.render(a)
    resp = HttpResponse(content, content_type=ctype)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@router.get("/verify/{code}", response={200: VerifyOut, 404: ErrorOut}, auth=None)
@public
def agreement_verify(request: HttpRequest, code: str) -> JSONObject:
    """Public: what the verification page says about a code (names and positions only)."""
    a = lookup_code(code)
    if a is None or a.status not in (Agreement.Status.SIGNED, Agreement.Status.SUPERSEDED):
        raise Http404
    with unscoped():
        f = public_facts(a)
    return {
        "code": f["code"], "kind": a.kind, "year": f["year"], "pemda": f["pemda"], "version": f["version"],
        "status": f["status"], "current": f["current"], "superseded_by": f["superseded_by"],
        "first_party": f["first"]["name"], "first_party_position": f["first"]["position"],
        "second_party": f["second"]["name"] if f["second"] else None,
        "second_party_position": f["second"]["position"] if f["second"] else None,
        "signatures": [{"party": s["party"], "name": s["name"], "signed_at": s["at"].isoformat()}
                       for s in f["signatures"]],
        "chain_seq": f["chain_seq"], "chain_hash": f["chain_hash"],
    }
