from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def label_lower(obj: Any) -> str:
    return str(obj._meta.label_lower)


@register.filter
def person(user: Any) -> str:
    """Who did something, as history shows it: a person's name, else their username; an action
    with no person behind it (an import, the demo load, a scheduled job) names the system, so a
    missing actor never breaks a page."""
    if user is None:
        return gettext("Sistem")
    return str(user.get_full_name() or user.username)
