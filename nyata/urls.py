from django.urls import include, path

from nyata.api.api import api

# Each domain app owns its URL module; the portal (public, no login) has its own prefix.
urlpatterns = [
    path("api/v1/", api.urls),
    path("rencana/", include("nyata.planning.urls")),
    path("perjanjian/", include("nyata.agreements.urls")),
    path("laporan/", include("nyata.reporting.urls")),
    path("dasbor/", include("nyata.dashboard.urls")),
    path("proyek/", include("nyata.projects.urls")),
    path("produk/", include("nyata.products.urls")),
    path("publik/", include("nyata.portal.urls")),
    path("persiapan/", include("nyata.onboarding.urls")),
    path("lkjip/", include("nyata.lkjip.urls")),
    path("", include("nyata.core.urls")),
]

# A database outage raised in a middleware answers 503 too; anything else the plain 500 page.
handler500 = "nyata.core.outage.server_error"
