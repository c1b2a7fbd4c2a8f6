from django.urls import path

from nyata.projects import views

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("baru/", views.project_create, name="project_create"),
    path("berisiko/", views.project_at_risk, name="project_at_risk"),
    path("peringkat-hambatan/", views.project_harm, name="project_harm"),
    path("organ/", views.project_organs, name="project_organs"),
    path("kemitraan/", views.project_partnership_list, name="project_partnership_list"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/ubah/", views.project_edit, name="project_edit"),
    path("<int:pk>/tonggak/baru/", views.project_milestone_add, name="project_milestone_add"),
    path("<int:pk>/tonggak/final/", views.project_plan_finalise, name="project_plan_finalise"),
    path("<int:pk>/dana/baru/", views.project_funding_add, name="project_funding_add"),
    path("<int:pk>/progres/baru/", views.project_progress_add, name="project_progress_add"),
    path("<int:pk>/scm/baru/", views.project_meeting_add, name="project_meeting_add"),
    path("<int:pk>/ketergantungan/baru/", views.project_dependency_add,
         name="project_dependency_add"),
    path("tonggak/<int:pk>/tercapai/", views.project_milestone_done, name="project_milestone_done"),
]
