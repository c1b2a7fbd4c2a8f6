from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy

from nyata.core.access import ANY_AGENCY
from nyata.core.access import may_open as _may_open
from nyata.core.typealiases import JSONValue, TemplateValue

register = template.Library()


@register.filter
def label_lower(obj: TemplateValue) -> str:
    return str(obj._meta.label_lower)


@register.filter
def person(user: TemplateValue) -> str:
    """Who did something, as history shows it: a person's name, else their username; an action
    with no person behind it (an import, the demo load, a scheduled job) names the system, so a
    missing actor never breaks a page."""
    if user is None:
        return gettext("Sistem")
    return str(user.get_full_name() or user.username)


@register.simple_tag(takes_context=True)
def may_open(context: Context, view_name: str, *args: Any, agency: TemplateValue = ANY_AGENCY) -> bool:
    """`{% may_open "agency_detail" a.pk agency=a.pk as ok %}`: show a link only when it opens.

    The route's own policy decides (nyata.core.access.may_open), never a role list in the template.
    """
    request = context.get("request")
    return request is not None and _may_open(request, view_name, *args, agency=agency)


@register.simple_tag(takes_context=True)
def agency_link(context: Context, agency: TemplateValue, text: TemplateValue = None, testid: str = "") -> SafeString:
    """An agency's name, linked to its page when this user may open it (else the name alone)."""
    label = agency.name if text is None else text
    if not may_open(context, "agency_detail", agency.pk, agency=agency.pk):
        return format_html("{}", label)
    if testid:
        return format_html('<a href="{}" data-testid="{}">{}</a>', reverse("agency_detail", args=[agency.pk]),
                           testid, label)
    return format_html('<a href="{}">{}</a>', reverse("agency_detail", args=[agency.pk]), label)


@register.simple_tag(takes_context=True)
def history_url(context: Context, obj: TemplateValue) -> str:
    """`{% history_url object as url %}`: the object's history page, or "" when this user cannot open it."""
    from nyata.core.views import history_url as url_for

    request = context.get("request")
    return "" if request is None else url_for(request, obj)


EVENT_KEYS = {
    "role": gettext_lazy("Peran"),
    "roles": gettext_lazy("Peran"),
    "roles_before": gettext_lazy("Peran sebelumnya"),
    "agency": gettext_lazy("Perangkat daerah"),
    "cooloff_minutes": gettext_lazy("Jeda (menit)"),
}


@register.filter
def event_details(data: JSONValue) -> list[tuple[str, str]]:
    """A security event's data as a person reads it: labelled keys, roles by name (never `agency_head`)."""
    from nyata.core.roles import Role

    if not isinstance(data, dict):
        return []
    roles = dict(Role.choices)
    out = []
    for key, value in data.items():
        if key in ("address", "user_agent", "path"):
            continue
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(str(roles.get(v, v)) if key in ("role", "roles", "roles_before") else str(v) for v in values)
        out.append((str(EVENT_KEYS.get(key, key.replace("_", " "))), shown or "—"))
    return out
