from django.urls import path

from nyata.dashboard import views

urlpatterns = [
    path("", views.home, name="dash_home"),
    path("pd/<int:pk>/", views.agency, name="dash_agency"),
    path("indikator/<int:pk>/", views.indicator, name="dash_indicator"),
    path("banding/", views.compare, name="dash_compare"),
    path("bahan-rapat.pdf", views.pack_pdf, name="dash_pack"),
    path("peringkat.xlsx", views.ranking_xlsx, name="dash_excel"),
    path("komitmen/", views.commitments, name="dash_commitments"),
    path("komitmen/<int:pk>/status/", views.commitment_state, name="dash_commitment_state"),
]
