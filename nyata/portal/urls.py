from django.urls import path

from nyata.portal import views

urlpatterns = [
    path("", views.portal_index, name="portal_index"),
    path("bahasa/", views.portal_language, name="portal_language"),
    path("<str:pemda_code>/", views.portal_home, name="portal_home"),
    path("<str:pemda_code>/produk/", views.portal_products, name="portal_products"),
    path("<str:pemda_code>/produk/<int:pk>/", views.portal_product, name="portal_product"),
    path("<str:pemda_code>/survei/<int:pk>/", views.portal_survey, name="portal_survey"),
    path("<str:pemda_code>/data/", views.portal_open_data, name="portal_open_data"),
    path("<str:pemda_code>/data/<slug:name>.<str:fmt>", views.portal_dataset, name="portal_dataset"),
]
