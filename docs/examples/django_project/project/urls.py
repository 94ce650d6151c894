from django.urls import path

from . import views

urlpatterns = [
    path("", views.home),
    path("theme/<slug:name>", views.theme),
    path("login", views.login),
    path("logout", views.logout),
]
