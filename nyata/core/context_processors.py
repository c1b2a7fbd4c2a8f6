from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from nyata.core.models import Role
from nyata.core.typealiases import TemplateContext


def nyata(request: HttpRequest) -> TemplateContext:
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    return {
        "active_pemda": getattr(request, "pemda", None),
        "active_roles": [r for r in Role if r in roles],
        "all_memberships": getattr(request, "memberships", []),
        "demo_mode": settings.DEMO_MODE,
        "Role": Role,
    }
