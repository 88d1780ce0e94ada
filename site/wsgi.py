"""WSGI entry point, for serving pages under gunicorn; the live socket needs ASGI."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings.dev")

application = get_wsgi_application()
