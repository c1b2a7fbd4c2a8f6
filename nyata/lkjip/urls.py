from django.urls import path

from nyata.lkjip import views

urlpatterns = [
    path("tutup-tahun/<int:year>/", views.year_closing, name="year_closing"),
]
