"""Who may see an individual rating (issue 20 item 6; UU PDP 27/2022): one rule, used by every
page, API route and export that shows one.

By person: the official rated, their appraiser (the holder of the superior post during the year)
and the appraiser's superior. By office, in the rating's Pemda: the performance admin, the
inspectorate, and the head of the rating's agency (by role, or as the holder of its head post).
Nobody else — not the leaders (they see counts of departures per agency, not ratings), not an
operator, never the public portal or open data.

The rule is a queryset filter (`visible_ratings`), so a list costs a constant number of queries;
`may_see_rating` asks the same filter about one row.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from nyata.core.auth import memberships_of
from nyata.core.models import Account, Assignment, User
from nyata.core.roles import RATING_READERS, Role
from nyata.core.tenancy import tenant_scope
from nyata.ratings.models import IndividualRating


def _held_posts(official_id: int) -> list[tuple[int, int, dt.date, dt.date | None]]:
    """(post, its agency if a head post else 0, start, end) of every post the official held."""
    return [
        (a.position_id, a.position.agency_id or 0 if a.position.is_agency_head else 0, a.start, a.end)
        for a in Assignment.objects.filter(official_id=official_id).select_related("position")
    ]


def _in_year(start: dt.date, end: dt.date | None) -> Q:
    """Ratings of a year during which a post held from `start` to `end` was held."""
    q = Q(year__gte=start.year)
    return q & Q(year__lte=end.year) if end is not None else q


def visible_ratings(user: User | AnonymousUser, pemda_id: int) -> QuerySet[IndividualRating]:
    """The ratings of Pemda `pemda_id` that `user` may see (call it with that Pemda in scope)."""
    none = IndividualRating.objects.none()
    if not user.is_authenticated or not isinstance(user, User) or not user.is_active:
        return none
    allowed = Q(pk__in=[])
    for m in memberships_of(user):
        if m.pemda_id != pemda_id or m.role not in RATING_READERS:
            continue
        if m.role != Role.AGENCY_HEAD:
            return IndividualRating.objects.all()
        allowed |= Q(agency_id=m.agency_id)
    official_id = Account.objects.filter(user=user, is_active=True, official__isnull=False).values_list(
        "official_id", flat=True).first()
    if official_id is not None:
        allowed |= Q(official_id=official_id)
        for post, head_of, start, end in _held_posts(official_id):
            when = _in_year(start, end)
            allowed |= when & (Q(position__superior_id=post) | Q(position__superior__superior_id=post))
            if head_of:
                allowed |= when & Q(agency_id=head_of)
    return IndividualRating.objects.filter(allowed)


def may_see_rating(user: User | AnonymousUser, rating: IndividualRating) -> bool:
    with tenant_scope(rating.pemda_id):  # the rating's Pemda, whichever the request is in
        return visible_ratings(user, rating.pemda_id).filter(pk=rating.pk).exists()
