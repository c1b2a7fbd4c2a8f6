"""Who may reach which page: the one place for route policies and object reach.

Every view carries a `Policy` (via `@policy`); the permission-matrix test walks
every URL and fails for a view without one. Deny by default: anonymous users go
to the login page, a role outside the policy gets 403, and an object outside the
user's reach (other Pemda, or another agency for agency roles) is 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from nyata.core.auth import memberships_of
from nyata.core.models import Agency, Membership, Pemda, User
from nyata.core.roles import AGENCY_ROLES, PEMDA_MEMBERS, PEMDA_WIDE_ROLES, Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NyataRequest(HttpRequest):
    """What TenantMiddleware and `policy` add to every request (for type checking)."""

    pemda: Pemda  # a non-public policy guarantees an active Pemda
    roles: frozenset[str]
    agency_ids: frozenset[int]
    memberships: list[Membership]
    policy: Policy
    user: User  # views behind a non-public policy see a real user


@dataclass(frozen=True)
class Policy:
    read: frozenset[str]
    write: frozenset[str] = frozenset()
    public: bool = False
    # Agency roles reach only their own agency's objects on this route.
    agency_limited: bool = True
    # False: the route needs no active Pemda (the platform's pages, one's own account).
    tenant: bool = True

    def allows(self, roles: Iterable[str], method: str) -> bool:
        wanted = self.read if method in SAFE_METHODS else self.write
        return bool(wanted & frozenset(roles))


V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def policy(
    read: Iterable[str] = (),
    write: Iterable[str] = (),
    *,
    public: bool = False,
    agency_limited: bool = True,
    tenant: bool = True,
) -> Callable[[V], V]:
    pol = Policy(frozenset(read), frozenset(write), public, agency_limited, tenant)

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            request.policy = pol  # type: ignore[attr-defined]  # this sets what NyataRequest declares
            if not pol.public:
                check(request, pol)
            return view(request, *args, **kwargs)

        wrapper.nyata_policy = pol  # type: ignore[attr-defined]  # read by navigation, may_open and the matrix
        return wrapper  # type: ignore[return-value]  # functools.wraps keeps the view's signature

    return decorate


def check(request: HttpRequest, pol: Policy, method: str | None = None) -> None:
    """Refuse the request (or one with `method`) that `pol` does not allow."""
    if not request.user.is_authenticated:
        raise LoginRequired
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    if pol.tenant and getattr(request, "pemda", None) is None:
        raise PermissionDenied
    if not pol.allows(roles, method or request.method or "GET"):
        raise PermissionDenied


class LoginRequired(Exception):
    pass


def login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())


def limited_agency_ids(request: HttpRequest, pol: Policy | None = None) -> set[int] | None:
    """The agencies an agency-role user is confined to on this route (or on `pol`'s), or None for no limit."""
    if pol is None:
        pol = getattr(request, "policy", None)
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    if pol is not None and not pol.agency_limited:
        return None
    wanted = pol.read | pol.write if pol is not None else PEMDA_MEMBERS
    if roles & PEMDA_WIDE_ROLES & wanted:
        return None
    return set(getattr(request, "agency_ids", set()))


ANY_AGENCY: Any = object()


def may_open(request: HttpRequest, view_name: str, *args: Any, agency: Any = ANY_AGENCY, **kwargs: Any) -> bool:
    """Whether this user may open the page `view_name` (with `args`): the decision the page itself makes.

    The route's own policy decides the role; `agency` is the object's agency as the page reaches
    it (an id, an Agency, None for an object of no agency, or several ids: any one opens it), and
    decides for users confined to their agency. Templates ask this (`{% may_open %}`) before
    showing a link, so a link is shown exactly when following it works.
    """
    try:
        match = resolve(reverse(view_name, args=args or None, kwargs=kwargs or None))
    except (NoReverseMatch, Resolver404):
        return False
    pol: Policy | None = getattr(match.func, "nyata_policy", None)
    if pol is None:
        return False
    if pol.public:
        return True
    try:
        check(request, pol, "GET")  # a link is followed with GET, whatever the current request is
    except (LoginRequired, PermissionDenied):
        return False
    if agency is ANY_AGENCY:
        return True
    confined = limited_agency_ids(request, pol)
    if confined is None:
        return True
    wanted = [agency] if agency is None or isinstance(agency, int | str | Agency) else list(agency)
    ids = {int(a.pk if isinstance(a, Agency) else a) for a in wanted if a is not None and a != ""}
    return bool(ids & confined)


M = TypeVar("M", bound=models.Model)


def reach(request: HttpRequest, qs: models.QuerySet[M], agency_field: str = "agency") -> models.QuerySet[M]:
    """Narrow a (tenant-scoped) queryset to what this user may reach on this route."""
    agencies = limited_agency_ids(request)
    if agencies is None:
        return qs
    return qs.filter(**{f"{agency_field}__in": agencies})


def get_for_user(
    request: HttpRequest,
    model: type[M] | models.QuerySet[M],
    agency_field: str | None = "agency",
    **lookup: Any,
) -> M:
    """Fetch one object the user may reach, or 404 (other Pemda, other agency, missing)."""
    qs = model._default_manager.all() if isinstance(model, type) else model
    if agency_field is not None:
        qs = reach(request, qs, agency_field)
    try:
        return qs.get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None


def agency_for_user(request: HttpRequest, agency_id: int) -> Agency:
    """An agency the user may reach, or 404.

    An agency-role user's own agency was loaded with their memberships for this request,
    so the routes they use most (saving their agency's values) need no query for it.
    """
    pemda = getattr(request, "pemda", None)
    for m in getattr(request, "memberships", ()):
        if pemda is not None and m.pemda_id == pemda.pk and m.role in AGENCY_ROLES and m.agency_id == agency_id:
            return cast("Agency", m.agency)
    return get_for_user(request, Agency, "pk", pk=agency_id)


def own_agencies(request: HttpRequest) -> set[int] | None:
    """The agencies an agency-role user is confined to whatever the route (None: the whole Pemda).

    For pages that show a Pemda-wide view to everyone but narrow its lists for agency roles.
    """
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    if roles & PEMDA_WIDE_ROLES:
        return None
    return set(getattr(request, "agency_ids", set()))


def has_role(request: HttpRequest, *roles: str) -> bool:
    return bool(set(roles) & set(getattr(request, "roles", ())))


def actor_holds(actor: User | None, pemda_id: int, roles: Iterable[str], agency: Agency | int | None = None) -> bool:
    """Whether an action's actor holds one of `roles` in this Pemda — an agency role only in
    `agency` when the action concerns one. None is the system (the demo loader, tasks, commands
    run by the server's operator): it holds every role."""
    if actor is None:
        return True
    wanted = set(roles)
    if Role.PLATFORM_OPERATOR in wanted and actor.is_platform_operator:
        return True
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    for m in memberships_of(actor):
        if m.pemda_id != pemda_id or m.role not in wanted:
            continue
        if m.role not in AGENCY_ROLES or agency_id is None or m.agency_id == agency_id:
            return True
    return False


def require(actor: User | None, pemda_id: int, roles: Iterable[str], agency: Agency | int | None = None,
            *, refusal: str | None = None) -> None:
    """Refuse an action unless the actor holds one of `roles` (`actor_holds`); `refusal` says it
    in the action's own words.

    Every action that a person takes calls this first (docs/architecture.md, "Who may act"):
    the route's policy decides who reaches a page, this decides who may do the thing, whatever
    the entry point (page, API, a future command). A route's policy cannot: it sees the user's
    roles as a set, so someone who is an inspector and an operator of one agency would pass an
    operator's route for any agency.
    """
    if not actor_holds(actor, pemda_id, roles, agency):
        raise ValidationError(
            refusal or _("Peran Anda tidak mengizinkan tindakan ini untuk perangkat daerah tersebut.")
        )
