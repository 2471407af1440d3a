from django.urls import path

from . import api, embed, feeds, suggestions, views

app_name = "timeline"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("chart/", views.chart, name="chart"),
    path("events/", views.events_here, name="events-here"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path("events/<slug:slug>/suggest/", suggestions.suggest, name="suggest-correction"),
    path("suggest/", suggestions.suggest, name="suggest"),
    path("corrections/", views.corrections, name="corrections"),
    path("embed/", embed.embed, name="embed"),
    path("oembed/", embed.oembed, name="oembed"),
    path("api/", api.index, name="api"),
    path("api/events/", api.events_json, name="api-events"),
    path("api/events.csv", api.events_csv, name="api-events-csv"),
    path("api/timelinejs.json", api.timelinejs_json, name="api-timelinejs"),
    path("api/cite", api.cite_view, name="api-cite"),
    path("api/events/<slug:slug>/cite", api.cite_event, name="api-event-cite"),
    path("cite/", views.cite_dialog, name="cite"),
    path("feeds/events.atom", feeds.events_feed, name="feed-events"),
    path("feeds/corrections.atom", feeds.corrections_feed, name="feed-corrections"),
]
