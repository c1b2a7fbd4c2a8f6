from django.urls import path

from nyata.onboarding import views

urlpatterns = [
    path("", views.setup_checklist, name="setup_checklist"),
    path("aturan/", views.year_rules_home, name="year_rules_home"),
    path("aturan/<int:year>/", views.year_rules, name="year_rules"),
]
