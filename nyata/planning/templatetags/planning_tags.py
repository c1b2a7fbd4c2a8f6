"""Template filters of the planning pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from nyata.core.typealiases import TemplateValue

register = template.Library()


@register.filter
def num(value: TemplateValue) -> str:
    """A plan value as the locale writes it (85,5; 1.234.567), without trailing zeros."""
    if value is None or value == "":
        return "—"
    d = Decimal(value).normalize()
    places = max(0, -int(d.as_tuple().exponent))
    return number_format(d, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def bounds(target: TemplateValue) -> str:
    """A yearly target: one value, or LOW–HIGH for a range indicator."""
    if target is None:
        return "—"
    if target.value_high is not None:
        return f"{num(target.value)}–{num(target.value_high)}"
    return num(target.value)
