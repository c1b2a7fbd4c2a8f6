"""Loading the logged-in user together with their roles, in one query per request.

Every authenticated request needs the user and their memberships (TenantMiddleware,
then the role checks in service functions). Django's ModelBackend fetches the user
alone; this backend fetches the memberships joined with their user, Pemda and agency,
so the request stack pays one query instead of two, and service functions reuse the
same rows instead of asking again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from nyata.core.models import Membership, User
from nyata.core.tenancy import unscoped

_CACHE = "_nyata_memberships"


class MembershipModelBackend(ModelBackend):
    """ModelBackend whose `get_user` preloads the user's memberships."""

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        with unscoped():
            rows = list(Membership.objects.filter(user_id=user_id).select_related("user", "pemda", "agency"))
            if rows:
                user = rows[0].user
                for m in rows:
                    m.user = user
            else:
                try:
                    user = User._default_manager.get(pk=user_id)
                except (User.DoesNotExist, ValueError, TypeError):
                    return None
        setattr(user, _CACHE, rows)
        return user if self.user_can_authenticate(user) else None


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships in every Pemda (with Pemda and agency loaded).

    Reuses what the backend loaded for this request; a user object from elsewhere (a
    test, a command) is asked fresh each time, so a grant made since is always seen.
    """
    cached: list[Membership] | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    with unscoped():
        return list(Membership.objects.filter(user=user).select_related("pemda", "agency"))
