"""ASGI entry point: HTTP through Django, /ws/ through Channels (one server for both)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings.dev")

from district.handler import get_asgi_application

# Django must be set up before consumers (and through them models) are imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator

from district.routing import websocket_urlpatterns

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
