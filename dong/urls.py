from django.urls import path

from dong import feeds, views

urlpatterns = [
    path("feeds/notices/", feeds.NoticeFeed(), name="district_feed"),
    path("feeds/notices/atom/", feeds.NoticeAtomFeed(), name="district_atom"),
    path("feeds/<slug:slug>/notices/", feeds.NoticeFeed(), name="dong_feed"),
    path("feeds/<slug:slug>/notices/atom/", feeds.NoticeAtomFeed(), name="dong_atom"),
    path("open-data/<slug:slug>.<str:fmt>", views.export, name="dong_export"),
    path("tags/<str:slug>/", views.notice_tag, name="notice_tag"),
]
