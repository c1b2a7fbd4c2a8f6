"""Who may see an individual rating (issue 20 item 6; UU PDP 27/2022): one rule, used by every
page, API route and export that shows one.

By person: the official rated, their appraiser (the holder of the superior post during the year)
and the appraiser's superior. By office, in the rating's Pemda: the performance admin, the
inspectorate, and the head of the rating's agency (by role, or as the holder of its head post).
Nobody else — not the leaders (they see counts of departures per agency, not ratings), not an
operator, never the public portal or open data.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from nyata.core.auth import memberships_of
from nyata.core.models import Account, Assignment, Position, User
from nyata.core.roles import RATING_READERS, Role
from nyata.core.tenancy import tenant_scope
from nyata.ratings.models import IndividualRating


def _holders(position_ids: list[int], year: int) -> set[int]:
    """Official ids holding any of the posts at some time in the year (acting holders included)."""
    if not position_ids:
        return set()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return set(
        Assignment.objects.filter(position_id__in=position_ids, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start)).values_list("official_id", flat=True)
    )


def _appraisal_chain(rating: IndividualRating) -> tuple[list[int], list[int]]:
    """(the appraiser's posts, the appraiser's superior's posts) above the rated post."""
    superior_id = rating.position.superior_id
    if superior_id is None:
        return [], []
    above = Position.objects.filter(pk=superior_id).values_list("superior_id", flat=True).first()
    return [superior_id], [above] if above is not None else []


def may_see_rating(user: User | AnonymousUser, rating: IndividualRating) -> bool:
    if not user.is_authenticated or not isinstance(user, User) or not user.is_active:
        return False
    for m in memberships_of(user):
        if m.pemda_id != rating.pemda_id or m.role not in RATING_READERS:
            continue
        if m.role != Role.AGENCY_HEAD or m.agency_id == rating.agency_id:
            return True
    with tenant_scope(rating.pemda_id):  # the rating's Pemda, whichever the request is in
        account = Account.objects.filter(user=user, is_active=True,
                                         official__isnull=False).values_list("official_id", flat=True).first()
        if account is None:
            return False
        if account == rating.official_id:
            return True
        appraiser, appraiser_superior = _appraisal_chain(rating)
        heads = list(
            Position.objects.filter(agency_id=rating.agency_id, is_agency_head=True).values_list("pk", flat=True)
        )
        return account in _holders(appraiser + appraiser_superior + heads, rating.year)
