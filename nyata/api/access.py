"""Route policies for API handlers: the same `Policy` as the pages, with JSON errors."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from nyata.core.access import Policy

F = TypeVar("F", bound=Callable[..., Any])


def api_policy(
    read: Iterable[str] = (), write: Iterable[str] = (), *, agency_limited: bool = True, tenant: bool = True
) -> Callable[[F], F]:
    pol = Policy(frozenset(read), frozenset(write), False, agency_limited, tenant)

    def decorate(handler: F) -> F:
        @functools.wraps(handler)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            request.policy = pol  # type: ignore[attr-defined]  # this sets what NyataRequest declares
            if not request.user.is_authenticated:
                raise HttpError(401, _("Silakan masuk terlebih dahulu."))
            if (pol.tenant and getattr(request, "pemda", None) is None) or not pol.allows(
                getattr(request, "roles", frozenset()),
                request.method or "GET",
            ):
                raise HttpError(403, _("Peran Anda tidak mengizinkan tindakan ini."))
            return handler(request, *args, **kwargs)

        wrapper.nyata_policy = pol  # type: ignore[attr-defined]  # read by navigation, may_open and the matrix
        # ninja resolves the parameters' type names in the wrapper's module (this one): hand it the
        # handler's signature already resolved where it was written (bounded types: api.types.Id).
        wrapper.__signature__ = inspect.signature(handler, eval_str=True)  # type: ignore[attr-defined]  # inspect reads __signature__ off any callable
        return wrapper  # type: ignore[return-value]  # functools.wraps keeps the handler's signature

    return decorate
