from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<int:cycle_id>/", views.dashboard, name="dashboard_cycle"),
    path(
        "open-data/<int:cycle_id>.csv",
        views.open_data,
        {"fmt": "csv"},
        name="open_data_csv",
    ),
    path(
        "open-data/<int:cycle_id>.json",
        views.open_data,
        {"fmt": "json"},
        name="open_data_json",
    ),
    path("c/<int:cycle_id>/", views.cycle_detail, name="cycle"),
    path("c/<int:cycle_id>/new/", views.proposal_new, name="new"),
    path("c/<int:cycle_id>/similar/", views.similar, name="similar"),
    path("c/<int:cycle_id>/close-phase/", views.cycle_close_phase, name="close_phase"),
    path("p/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("p/<int:proposal_id>/edit/", views.proposal_edit, name="edit"),
    path("p/<int:proposal_id>/submit/", views.proposal_submit, name="submit"),
    path("p/<int:proposal_id>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("p/<int:proposal_id>/support/", views.support, name="support"),
    path("p/<int:proposal_id>/advance/", views.proposal_advance, name="advance"),
    path("p/<int:proposal_id>/screen/", views.proposal_screen, name="screen"),
    path("p/<int:proposal_id>/decide/", views.proposal_decide, name="decide"),
    path("p/<int:proposal_id>/progress/", views.proposal_progress, name="progress"),
    path("p/<int:proposal_id>/report/", views.proposal_report, name="report"),
]
