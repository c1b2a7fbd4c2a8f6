"""Model instances from a hand-written query, loaded exactly as the ORM would load them.

For the few queries on the path of every request (the logged-in user, the deadline-day
save) the ORM's query building costs several times what the database does. Those
queries are written once as SQL; this module gives them the ORM's column lists and its
value conversion (SQLite returns decimals and dates as text, for instance), so what they
return is indistinguishable from a queryset's result. Everything else uses the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from nyata.core.typealiases import RawValue


def qn(name: str) -> str:
    return str(connection.ops.quote_name(name))


def table(model: type[models.Model]) -> str:
    return qn(model._meta.db_table)


def column(model: type[models.Model], field: str) -> str:
    """The quoted column of a model field (foreign keys by their field name)."""
    f = model._meta.get_field(field)
    assert isinstance(f, models.Field) and f.column is not None
    return qn(f.column)


def col(model: type[models.Model], alias: str, field: str) -> str:
    """`alias."column"` of a model field."""
    return f"{alias}.{column(model, field)}"


class Loader:
    """Loads the models of one query from its rows, in the order of `select`."""

    def __init__(self, *parts: tuple[str, type[models.Model]]) -> None:
        self.parts = parts
        self._plan: list[tuple[str, type[models.Model], list[str], list[tuple[int, Any, list[Any]]]]] | None = None

    @property
    def select(self) -> str:
        return ", ".join(f"{alias}.{qn(f.column)}" for alias, model in self.parts for f in model._meta.concrete_fields)

    def plan(self) -> list[tuple[str, type[models.Model], list[str], list[tuple[int, Any, list[Any]]]]]:
        """Per model: field names and the converters the ORM applies (worked out once)."""
        if self._plan is None:
            plan = []
            for alias, model in self.parts:
                fields = model._meta.concrete_fields
                converters = []
                for i, f in enumerate(fields):
                    expr = f.get_col(alias)
                    convs = [*connection.ops.get_db_converters(expr), *expr.get_db_converters(connection)]
                    if convs:
                        converters.append((i, expr, convs))
                plan.append((alias, model, [f.attname for f in fields], converters))
            self._plan = plan
        return self._plan

    def load(self, row: Sequence[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        start = 0
        for alias, model, attnames, converters in self.plan():
            values = list(row[start:start + len(attnames)])
            start += len(attnames)
            for i, expr, convs in converters:
                for conv in convs:
                    values[i] = conv(values[i], expr, connection)
            out[alias] = model.from_db(connection.alias, attnames, values)
        return out


def is_id(value: RawValue) -> bool:
    """A value usable as a primary key in hand-written SQL (the ORM quietly matches nothing for
    ids beyond a bigint; a raw statement would fail instead)."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return type(value) is int and 0 < value < 2**63


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
