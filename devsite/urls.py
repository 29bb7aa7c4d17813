"""Demo host URLs: the plugin's come only from edx-django-utils ``get_plugin_url_patterns``."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from edx_django_utils.plugins import get_plugin_url_patterns

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(template_name="devsite/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
urlpatterns += get_plugin_url_patterns("lms.djangoapp")
