from django.urls import include, path

from nyata.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("nyata.core.urls")),
]
