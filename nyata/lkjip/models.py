"""The history of a fiscal year's close: appended on every close and reopening, never updated."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from nyata.core.models import FiscalYear, User
from nyata.core.tenancy import TenantModel

REASON_MAX = 2000


class YearClosing(TenantModel):
    """One close or reopening of a fiscal year, with its reason and the gaps it was closed with.

    `gaps` keeps what was missing at that moment (per agency: Q4 indicators, how many verified),
    so the report can say later that the year was closed incomplete, and why.
    """

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Ditutup")
        REOPENED = "reopened", _("Dibuka kembali")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="closings",
                                    verbose_name=_("tahun anggaran"))
    kind = models.CharField(_("peristiwa"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("alasan"), blank=True, max_length=REASON_MAX)
    gaps = models.JSONField(_("kekurangan"), default=list, blank=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["fiscal_year_id", "at", "pk"]
        verbose_name = _("penutupan tahun")
        verbose_name_plural = _("penutupan tahun")

    def __str__(self) -> str:
        return f"{self.fiscal_year_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # History is appended, never overwritten.
        if self.pk is not None:
            raise ValueError("YearClosing rows are append-only")
        super().save(*args, **kwargs)
