"""The inspectorate's evaluation worksheets (LKE): versioned templates per Pemda.

The scoring rules live once in `nyata.scoring.evaluation`; a template version keeps the whole
document that engine reads, so an evaluation made with it keeps its rules when the Pemda adjusts
the template later (a new version, never an edit).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nyata.core.models import User
from nyata.core.tenancy import TenantModel


class EvaluationTemplate(TenantModel):
    """One version of a Pemda's worksheet for a regulation and year (`template_from_dict`'s shape)."""

    regulation = models.CharField(_("peraturan"), max_length=100)
    year = models.PositiveSmallIntegerField(_("tahun"))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    document = models.JSONField(_("isi templat"))
    starting_set = models.BooleanField(_("kriteria awal, belum lengkap"), default=False)
    reason = models.TextField(_("alasan perubahan"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["regulation", "year", "version"]
        verbose_name = _("templat evaluasi")
        verbose_name_plural = _("templat evaluasi")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "regulation", "year", "version"],
                                    name="evaluationtemplate_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.regulation} ({self.year}) v{self.version}"
