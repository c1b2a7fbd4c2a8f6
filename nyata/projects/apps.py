from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "nyata.projects"
    label = "projects"
