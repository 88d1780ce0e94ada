"""ASGI entry point: HTTP through Django, /ws/ through Channels (one server for both)."""

import gc
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

# What start-up made (modules, models, URL patterns, templates' code) lives as
# long as the process: out of the collector's reach, so its full collections
# walk only what requests made since (they ran 100-250 ms each, several times
# a second, in each process under bench/rsvp.py's rush).
gc.collect()  # start-up's own garbage is not kept for ever
gc.freeze()
