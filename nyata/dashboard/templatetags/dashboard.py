from __future__ import annotations

from django import template

from nyata.core.typealiases import TemplateValue
from nyata.dashboard import charts, queries

register = template.Library()


@register.filter
def idn(value: TemplateValue, decimals: int = 2) -> str:
    """A number in the page's language: 1.234,5 in Indonesian, 1,234.5 in English (— when missing)."""
    if value is None or value == "":
        return "—"
    return charts.number(float(value), int(decimals))


@register.filter
def signed(value: TemplateValue) -> str:
    if value is None:
        return "—"
    v = float(value)
    text = charts.number(abs(v))
    return f"+{text}" if v > 0 else (f"−{text}" if v < 0 else "0")


@register.filter
def cat_label(code: str | None) -> str:
    return str(charts.CATEGORY_LABELS.get(code or "", code or ""))


@register.filter
def cat_short(code: str | None) -> str:
    return charts.CATEGORIES.get(code or "", charts.CATEGORIES[""])[2]


@register.filter
def flag_label(code: str) -> str:
    return str(queries.FLAG_LABELS.get(code, code))


@register.filter
def get(mapping: TemplateValue, key: TemplateValue) -> TemplateValue:
    return mapping.get(key) if mapping else None


@register.filter
def verdict(code: str) -> str:
    return str(queries.VERDICTS.get(code, code))
