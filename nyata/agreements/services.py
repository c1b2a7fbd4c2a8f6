"""Read-side helpers other apps rely on: the PK in force of an agency for a year, and its rows.

"The signed PK of an agency for a year" is defined once, here (`in_force`), and every reader —
reporting's pages and actions, scores, the dashboard, the deadline-day fast path — asks
through it. An amendment marks the PK it replaces `superseded`, so a signed PK is the one in
force: at most one per agency head per year.
"""

from __future__ import annotations

import functools

from django.db.models import Q, QuerySet

from nyata.agreements.models import Agreement, AgreementIndicator, AgreementProgram
from nyata.core.models import Agency
from nyata.core.tenancy import unscoped


def signed_pk(prefix: str = "") -> Q:
    """The conditions on an `Agreement` for a PK in force for its position, at any level
    (an amendment marks the version it replaces `superseded`)."""
    return Q(**{f"{prefix}kind": Agreement.Kind.PK, f"{prefix}status": Agreement.Status.SIGNED})


def in_force(prefix: str = "") -> Q:
    """The conditions on an `Agreement` (reached through `prefix`) for an agency's PK in force."""
    return signed_pk(prefix) & Q(**{f"{prefix}position__is_agency_head": True})


def current_agreements(year: int, agencies: QuerySet[Agency] | None = None) -> dict[int, int]:
    """agency id → id of its PK in force for the year, for many agencies in one query."""
    qs = Agreement.objects.filter(in_force(), year=year)
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    out: dict[int, int] = {}
    for agency_id, pk in qs.order_by("agency_id", "version", "pk").values_list("agency_id", "pk"):
        out[agency_id] = pk  # the latest version wins
    return out


def current_agreement(*, agency: Agency, year: int) -> Agreement | None:
    """The agency head's PK in force for the year."""
    return Agreement.objects.filter(in_force(), year=year, agency=agency).order_by("-version", "-pk").first()


def signed_indicators(*, agency: Agency, year: int) -> QuerySet[AgreementIndicator]:
    """The frozen indicator rows of the agency's PK in force for the year, in PK order (one query)."""
    return (
        AgreementIndicator.objects.filter(in_force("agreement__"), agreement__agency=agency, agreement__year=year)
        .select_related("indicator").order_by("order", "pk")
    )


def signed_programs(*, agency: Agency, year: int) -> QuerySet[AgreementProgram]:
    """The program rows of the agency's PK in force for the year, in PK order (one query)."""
    return AgreementProgram.objects.filter(
        in_force("agreement__"), agreement__agency=agency, agreement__year=year,
    ).order_by("order", "pk")


@functools.cache
def in_force_sql() -> tuple[str, tuple[object, ...]]:
    """`in_force` as SQL selecting agreement ids, with its parameters, for hand-written queries.

    Compiled from the same Q once per process, so the fast path cannot drift from the ORM. The
    tenant is filtered by the query that embeds it.
    """
    with unscoped():
        sql, params = Agreement.objects.filter(in_force()).order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)
