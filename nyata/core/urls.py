from django.urls import path

from nyata.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.login, name="login"),
    path("keluar/", views.logout, name="logout"),
    path("sandi/", views.password_change, name="password_change"),
    path("sandi/selesai/", views.password_change_done, name="password_change_done"),
    path("keamanan/", views.security, name="security"),
    path("keamanan/peristiwa/", views.security_event_list, name="security_event_list"),
    path("i18n/bahasa/", views.set_language, name="set_language"),
    path("pemda/pilih/", views.pemda_switch, name="pemda_switch"),
    path("organisasi/pd/", views.agency_list, name="agency_list"),
    path("organisasi/pd/baru/", views.agency_create, name="agency_create"),
    path("organisasi/pd/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("organisasi/pd/<int:pk>/ubah/", views.agency_edit, name="agency_edit"),
    path("organisasi/unit/baru/", views.unit_create, name="unit_create"),
    path("organisasi/jabatan/", views.position_list, name="position_list"),
    path("organisasi/jabatan/baru/", views.position_create, name="position_create"),
    path("organisasi/jabatan/<int:pk>/ubah/", views.position_edit, name="position_edit"),
    path("organisasi/pejabat/", views.official_list, name="official_list"),
    path("organisasi/pejabat/baru/", views.official_create, name="official_create"),
    path("organisasi/pejabat/<int:pk>/ubah/", views.official_edit, name="official_edit"),
    path("organisasi/penugasan/baru/", views.assignment_create, name="assignment_create"),
    path("organisasi/impor/", views.organisation_import, name="organisation_import"),
    path("organisasi/impor/templat.xlsx", views.organisation_template, name="organisation_template"),
    path("periode/", views.fiscal_year_list, name="fiscal_year_list"),
    path("pengguna/", views.membership_list, name="membership_list"),
    path("riwayat/<str:label>/<int:pk>/", views.object_history, name="object_history"),
]
