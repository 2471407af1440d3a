from django.urls import path

from . import views

app_name = "timeline"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
]
