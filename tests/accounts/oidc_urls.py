"""The project's URLs plus the OIDC views, for tests that switch provincial SSO on through settings."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]
