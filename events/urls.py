from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_index, name="index"),
    path("calendar/", views.event_calendar_month, name="calendar"),
    path("past/", views.event_archive, name="archive"),
    path("mine/", views.my_events, name="mine"),
    path("mine/<str:token>.ics", views.my_feed, name="my_feed"),
    path("proposals/", views.proposals, name="proposals"),
    path("e/<int:event_id>/", views.event_detail, name="event"),
    path("e/<int:event_id>.ics", views.event_ics_file, name="event_ics"),
    path("e/<int:event_id>/edit/", views.event_edit, name="edit"),
    path("e/<int:event_id>/cancel/", views.event_cancel, name="cancel"),
    path("e/<int:event_id>/review/", views.event_review, name="review"),
    path("o/<int:occurrence_id>/rsvp/", views.rsvp, name="rsvp"),
    path("o/<int:occurrence_id>/draw/", views.draw_now, name="draw"),
    path("e/<int:event_id>/registration/", views.registration, name="registration"),
    path("o/<int:occurrence_id>/cancel/", views.occurrence_cancel, name="cancel_date"),
    path("o/<int:occurrence_id>/attendees/", views.attendees, name="attendees"),
    path(
        "o/<int:occurrence_id>/attendees.csv",
        views.attendees_csv,
        name="attendees_csv",
    ),
    path("<slug:slug>/", views.board_events, name="board"),
    path("<slug:slug>/new/", views.event_new, name="new"),
    path("<slug:slug>.ics", views.board_feed, name="board_feed"),
]
