from django.conf import settings
from django.urls import include, path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from district import (
    admin_boundaries,
    consent_views,
    csp,
    notification_views,
    privacy_views,
    views,
)
from district.api import api_router
from district.translation import views as translation_views

urlpatterns = [
    # Before Wagtail's admin: whole-tree reports for district staff only.
    path("admin/", include(admin_boundaries)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/profile/", views.profile_edit, name="profile_edit"),
    path("my-neighbourhood/", views.home_dong, name="home_dong"),
    path("accounts/close/", privacy_views.account_close_view, name="account_close"),
    path("accounts/my-data/", privacy_views.data_export_view, name="data_export"),
    path(
        "accounts/my-data/<int:export_id>/download/",
        privacy_views.data_export_download,
        name="data_export_download",
    ),
    path(
        "accounts/guardian/waiting/",
        consent_views.guardian_waiting,
        name="guardian_waiting",
    ),
    path(
        "accounts/guardian/<str:token>/",
        consent_views.guardian_consent,
        name="guardian_consent",
    ),
    path("accounts/", include("allauth.urls")),
    path("privacy/", consent_views.privacy_policy, name="privacy_policy"),
    path("language/", views.set_language, name="set_language"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/read/",
        notification_views.notification_read,
        name="notifications_read",
    ),
    path("forums/", include("forums.urls")),
    path("events/", include("events.urls")),
    path("votes/", include("votes.urls")),
    path("proposals/", include("proposals.urls")),
    path("moderation/", include("district.moderation.urls")),
    path("search/", views.search_view, name="search"),
    path("translations/", translation_views.translations, name="translations"),
    path("glossary/", translation_views.glossary_page, name="translation_glossary"),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", csp.csp_report, name="csp_report"),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", sitemap),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
    ),
    path("", include("dong.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
