from django.urls import path

from nyata.agreements import views

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("tanda-tangan-saya/", views.agreement_inbox, name="agreement_inbox"),
    path("verifikasi/", views.agreement_verify, name="agreement_verify"),
    path("acara/", views.ceremony_list, name="ceremony_list"),
    path("acara/<int:pk>/", views.ceremony_board, name="ceremony_board"),
    path("acara/<int:pk>/dokumen.zip", views.ceremony_zip, name="ceremony_zip"),
    path("acara/<int:pk>/dokumen.pdf", views.ceremony_pdf, name="ceremony_pdf"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/target/", views.agreement_targets, name="agreement_targets"),
    path("<int:pk>/kunci/", views.agreement_lock, name="agreement_lock"),
    path("<int:pk>/buka/", views.agreement_unlock, name="agreement_unlock"),
    path("<int:pk>/tandatangani/", views.agreement_sign, name="agreement_sign"),
    path("<int:pk>/perubahan/", views.agreement_amend, name="agreement_amend"),
    path("<int:pk>/banding/", views.agreement_diff, name="agreement_diff"),
]
