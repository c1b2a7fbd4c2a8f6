from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import get_format, number_format

from nyata.core.typealiases import TemplateValue
from nyata.reporting import labels
from nyata.reporting.models import SelfCritique

register = template.Library()


def _quantized(value: Any, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-int(decimals)))


def _trim(text: str) -> str:
    mark = get_format("DECIMAL_SEPARATOR")
    if mark in text:
        head, tail = text.rsplit(mark, 1)
        tail = tail.rstrip("0")
        return f"{head}{mark}{tail}" if tail else head
    return text


@register.filter
def num(value: TemplateValue, decimals: int = 2) -> str:
    """A value in the active locale with grouping (1.234,5), trailing zeros dropped."""
    if value is None or value == "":
        return "—"
    return _trim(number_format(_quantized(value, decimals), int(decimals), use_l10n=True, force_grouping=True))


@register.filter
def plain(value: TemplateValue, decimals: int = 2) -> str:
    """A value for an input field: the locale's decimal mark, no grouping.

    Text is what the person typed, redrawn as typed when the form comes back with an error.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    text = str(_quantized(value, decimals)).replace(".", get_format("DECIMAL_SEPARATOR"))
    return _trim(text)


@register.filter
def pct(value: TemplateValue) -> str:
    if value is None or value == "":
        return "—"
    return _trim(number_format(round(float(value), 2), 2, use_l10n=True))


@register.filter
def get(mapping: TemplateValue, key: TemplateValue) -> TemplateValue:
    return mapping.get(key) if mapping else None


@register.filter
def target_of(ai: TemplateValue, number: int) -> TemplateValue:
    return getattr(ai, f"q{int(number)}_target", None)


@register.filter
def iso(value: TemplateValue) -> str:
    """A date for <input type=date>: dates as YYYY-MM-DD, posted strings as they came."""
    if value is None or value == "":
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@register.filter
def category_label(code: str | None) -> str:
    return labels.label(labels.CATEGORY_LABELS, code)


@register.filter
def flag_label(code: str | None) -> str:
    return labels.label(labels.FLAG_LABELS, code)


@register.filter
def quarter_state_label(code: str | None) -> str:
    return labels.label(labels.QUARTER_STATE_LABELS, code)


@register.filter
def critique_state_label(code: str | None) -> str:
    return labels.label(dict(SelfCritique.State.choices), code)
