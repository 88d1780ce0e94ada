from django.urls import path

from forums import views

app_name = "forums"

urlpatterns = [
    path("", views.board_list, name="boards"),
    path("mine/", views.my_posts, name="mine"),  # before <slug>/: not a board
    path("t/<int:thread_id>/", views.thread_detail, name="thread"),
    path("t/<int:thread_id>/reply/", views.post_reply, name="reply"),
    path("p/<int:post_id>/", views.post_redirect, name="post"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/delete/", views.post_delete_own, name="post_delete_own"),
    path("p/<int:post_id>/react/", views.post_react, name="post_react"),
    path("p/<int:post_id>/report/", views.post_report, name="post_report"),
    path("p/<int:post_id>/history/", views.post_history, name="post_history"),
    path("<slug:slug>/", views.board_detail, name="board"),
    path("<slug:slug>/new/", views.thread_new, name="thread_new"),
]
