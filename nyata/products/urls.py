from django.urls import path

from nyata.products import views

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("inovasi/", views.product_innovation_list, name="product_innovation_list"),
    path("baru/", views.product_create, name="product_create"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/ubah/", views.product_edit, name="product_edit"),
    path("<int:pk>/iid/", views.product_iid, name="product_iid"),
    path("<int:pk>/bukti/", views.product_evidence_upload, name="product_evidence_upload"),
    path("bukti/<int:pk>/unduh/", views.product_evidence_download, name="product_evidence_download"),
    path("<int:pk>/survei/", views.product_survey, name="product_survey"),
    path("moderasi/", views.product_moderation, name="product_moderation"),
    path("moderasi/<int:pk>/", views.product_moderate, name="product_moderate"),
]
