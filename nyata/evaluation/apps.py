from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """The inspectorate's SAKIP evaluation (LKE) and, later, other evidence-scored worksheets."""

    name = "nyata.evaluation"
    label = "evaluation"
