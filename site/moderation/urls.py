from django.urls import path

from district.moderation import views

app_name = "moderation"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("report/", views.transparency, name="report"),
    path("appeal/<slug:key>/<int:object_id>/", views.appeal, name="appeal"),
]
