from district.consumers import LiveConsumer
from django.urls import path

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
]
