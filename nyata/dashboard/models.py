"""Meeting mode: the leaders' decisions in the quarterly coordination meeting (*rapat koordinasi*).

A `Commitment` is one decision: which agency (and optionally which plan indicator or strategic
project) must do what, who owns it, by when. At the meeting the agency's stored score and the
indicator's achievement are copied into `baseline_*`, so the next quarter's pack can show
whether the data now shows the commitment kept (`nyata.dashboard.queries.follow_up`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nyata.core.models import Agency, User
from nyata.core.tenancy import TenantModel


class Commitment(TenantModel):
    class State(models.TextChoices):
        OPEN = "open", _("Berjalan")
        DONE = "done", _("Dilaporkan selesai")
        DROPPED = "dropped", _("Dibatalkan")

    year = models.PositiveSmallIntegerField(_("tahun rapat"))
    quarter = models.PositiveSmallIntegerField(_("triwulan yang dibahas"))
    meeting_date = models.DateField(_("tanggal rapat"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("perangkat daerah"))
    indicator = models.ForeignKey("planning.Indicator", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("indikator"))
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("proyek strategis"))
    what = models.CharField(_("keputusan / komitmen"), max_length=500)
    owner = models.CharField(_("penanggung jawab"), max_length=200)
    due = models.DateField(_("tenggat"))
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.OPEN)
    state_note = models.CharField(_("catatan status"), max_length=500, blank=True)
    baseline_score = models.FloatField(null=True, blank=True)
    baseline_achievement = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_illustrative = models.BooleanField(_("data ilustratif"), default=False)

    class Meta:
        ordering = ["year", "quarter", "due", "pk"]
        verbose_name = _("komitmen rapat")
        verbose_name_plural = _("komitmen rapat")
        indexes = [models.Index(fields=["pemda", "year", "quarter"], name="commitment_meeting")]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="commitment_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return self.what
