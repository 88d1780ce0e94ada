from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("e/<int:event_id>/", views.event_detail, name="event"),
    path("e/<int:event_id>.ics", views.event_calendar, name="event_ics"),
    path("o/<int:occurrence_id>/rsvp/", views.rsvp, name="rsvp"),
    path("<slug:slug>/", views.board_events, name="board"),
]
