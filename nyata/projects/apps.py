from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "nyata.projects"
    label = "projects"

    def ready(self) -> None:
        from nyata.core.views import register_history
        from nyata.projects.models import Project

        register_history("projects.project", Project, "owner_agency")
