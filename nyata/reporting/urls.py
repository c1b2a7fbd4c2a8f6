from django.urls import path

from nyata.reporting import views

AQ = "pd/<int:agency_id>/tw/<int:quarter_id>/"

urlpatterns = [
    path("", views.inbox, name="report_inbox"),
    path("papan/", views.board, name="report_board"),
    path("verifikasi/", views.verify_queue, name="report_verify_queue"),
    path("tindakan/", views.unresolved_actions, name="report_actions"),
    path(AQ, views.entry, name="report_entry"),
    path(AQ + "baris/<int:ai_id>/", views.row_save, name="report_row_save"),
    path(AQ + "anggaran/", views.budget_save, name="report_budget_save"),
    path(AQ + "ajukan/", views.submit, name="report_submit"),
    path(AQ + "otokritik/", views.self_critique, name="report_self_critique"),
    path(AQ + "excel/", views.xlsx_download, name="report_xlsx_download"),
    path(AQ + "unggah/", views.xlsx_upload, name="report_xlsx_upload"),
    path("realisasi/<int:pk>/", views.realisation, name="report_realisation"),
    path("realisasi/<int:pk>/bukti/", views.evidence_add, name="report_evidence_add"),
    path("realisasi/<int:pk>/verifikasi/", views.verify, name="report_verify"),
    path("realisasi/<int:pk>/buka/", views.reopen, name="report_reopen"),
    path("realisasi/<int:pk>/riwayat/", views.history, name="report_history"),
    path("bukti/<int:pk>/", views.evidence_download, name="report_evidence_download"),
]
