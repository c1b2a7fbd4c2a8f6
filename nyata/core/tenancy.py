"""One mechanism for tenant scoping (after django-scopes).

Every tenant-owned model uses `TenantManager`. Its querysets are filtered to the
Pemda in the current scope; outside any scope a query fails loudly instead of
leaking rows across tenants. The middleware opens the scope for a request; code
that really spans tenants (migrations, `nyata audit verify`, the demo loader)
says so with `unscoped()`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Expression, F
from django.db.models.constraints import BaseConstraint
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from nyata.core.models import Pemda

_UNSCOPED = object()
_scope: ContextVar[Any] = ContextVar("nyata_tenant_scope", default=None)


class ScopeError(RuntimeError):
    """A tenant-owned table was queried with no Pemda in scope."""


@contextmanager
def tenant_scope(pemda: Pemda | int | None) -> Iterator[None]:
    """Limit tenant-owned queries to one Pemda (None: no tenant; every query fails)."""
    token = _scope.set(pemda.pk if pemda is not None and not isinstance(pemda, int) else pemda)
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def unscoped() -> Iterator[None]:
    token = _scope.set(_UNSCOPED)
    try:
        yield
    finally:
        _scope.reset(token)


def current_pemda_id() -> int | None:
    value = _scope.get()
    return None if value is _UNSCOPED else value


def is_unscoped() -> bool:
    return _scope.get() is _UNSCOPED


def filter_pemda_id(unscoped_default: int) -> int:
    """The Pemda a hand-written SQL query must filter on, by the same rules as TenantManager.

    The scope's Pemda; under `unscoped()` the caller's own; outside any scope, ScopeError.
    """
    value = _scope.get()
    if value is _UNSCOPED:
        return unscoped_default
    if value is None:
        raise ScopeError(
            "A tenant-owned table was queried outside a tenant scope; use tenant_scope(pemda) or unscoped()."
        )
    return int(value)


class CurrentTenant(Expression):
    """The Pemda in scope, read when the SQL is compiled, not when the queryset is built.

    So querysets built at import time (form fields, module constants) still obey the
    scope of the request that evaluates them, and evaluating one outside any scope
    raises `ScopeError`. Under `unscoped()` it compiles to the column itself (no filter).
    """

    output_field = models.BigIntegerField()

    def __init__(self, col: Any = None) -> None:
        super().__init__()
        self.col = col

    def get_source_expressions(self) -> list[Any]:
        return [self.col] if self.col is not None else []

    def set_source_expressions(self, exprs: Any) -> None:
        if exprs:
            self.col = exprs[0]

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> CurrentTenant:
        if self.col is not None:
            # Already bound to its own query's column; a subquery being resolved again in
            # an outer query must keep pointing at its own table.
            return self
        clone = self.copy()
        clone.col = F("pemda_id").resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        value = _scope.get()
        if value is _UNSCOPED:
            sql, params = compiler.compile(self.col)
            return sql, list(params)
        if value is None:
            raise ScopeError(
                "A tenant-owned table was queried outside a tenant scope; use tenant_scope(pemda) or unscoped()."
            )
        return "%s", [value]


_M = TypeVar("_M", bound=models.Model)


class TenantManager(models.Manager[_M], Generic[_M]):
    def get_queryset(self) -> models.QuerySet[_M]:
        return super().get_queryset().filter(pemda_id=CurrentTenant())


class TenantModel(models.Model):
    """A row owned by exactly one Pemda.

    Every tenant table carries `pemda_id` (and unique keys start with it) so the
    schema can later be distributed by tenant (Citus) without rewriting keys.
    """

    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")

    objects: TenantManager[Any] = TenantManager()

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """A violated constraint reads as a sentence: Django's default message is the
        constraint's name ("Constraint “quarter_number_1_4” is violated.")."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as e:
            raise ValidationError(worded_constraint_errors(type(self), e)) from None


def worded_constraint_errors(model: type[models.Model], error: ValidationError) -> dict[str, list[str]] | list[str]:
    """`error`'s messages with each default constraint message replaced by a sentence."""
    what = model._meta.verbose_name
    sentences = {}
    for c in model._meta.constraints:
        default = str(BaseConstraint.default_violation_error_message) % {"name": c.name}
        if isinstance(c, models.UniqueConstraint):
            sentences[default] = _("%(what)s dengan isian yang sama sudah ada; ubah isiannya atau buka data "
                                   "yang sudah ada.") % {"what": str(what).capitalize()}
        else:
            sentences[default] = _("Isian %(what)s tidak memenuhi aturannya (misalnya nilai di luar rentang atau "
                                   "tanggal yang terbalik); periksa kembali isiannya.") % {"what": what}

    def worded(messages: list[str]) -> list[str]:
        return [sentences.get(m, m) for m in messages]

    if hasattr(error, "error_dict"):
        return {field: worded(messages) for field, messages in error.message_dict.items()}
    return worded(error.messages)
