from django.urls import path

from votes import views

app_name = "votes"

urlpatterns = [
    path("", views.ballot_index, name="index"),
    path("<int:ballot_id>/", views.ballot_detail, name="ballot"),
    path("<int:ballot_id>/receipt/", views.receipt_check, name="receipt"),
    path("<int:ballot_id>/pass/", views.voter_pass, name="pass"),
    path("<int:ballot_id>/officer/", views.officer_desk, name="officer"),
    path(
        "<int:ballot_id>/officer/<str:action>/",
        views.officer_action,
        name="officer_action",
    ),
    path("<int:ballot_id>/box/<int:box_id>/", views.box_count, name="box"),
    path("<int:ballot_id>/screen/", views.screen, name="screen"),
    path("<int:ballot_id>/screen/result/", views.screen_result, name="screen_result"),
    path("<int:ballot_id>/poster.svg", views.poster, name="poster"),
    path("<int:ballot_id>/data.json", views.data_json, name="data_json"),
    path("<int:ballot_id>/data.csv", views.data_csv, name="data_csv"),
]
