"""A PostgreSQL restart costs a short wait, not errors: the pool checks a connection before handing it out.

Before the fix, each pooled connection that died with the restart answered
one request with a 500 (the tester saw 18 of 90 writes fail). The test uses
the production pool settings (settings.DATABASES on a PostgreSQL run) against
a private cluster it starts and restarts; the machine's own cluster is never
touched.
"""

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler

from tests.servers import PostgresCluster

pytestmark = pytest.mark.postgres


@pytest.fixture
def cluster():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


def request_like(connection) -> int:
    """What one request does with the database: borrow a pooled connection, query, give it back."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]
    finally:
        connection.close()  # back to the pool, as at the end of a request


def test_requests_after_a_postgresql_restart_get_no_errors(cluster, django_db_blocker):
    production = settings.DATABASES["default"]
    assert "pool" in production["OPTIONS"]
    private = {
        **production,
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(cluster.port),
        "TEST": {},
    }
    # Not the "default" alias: Django keeps one pool per alias, and the test
    # run's own database owns that one.
    handler = ConnectionHandler({"default": private, "restart": private})
    connection = handler["restart"]
    with django_db_blocker.unblock():
        try:
            _serve_through_a_restart(connection, cluster)
        finally:
            connection.close_pool()


def _serve_through_a_restart(connection, cluster) -> None:
    # Fill the pool with connections that have served requests.
    for _ in range(5):
        assert request_like(connection) == 1
    assert connection.pool.get_stats()["pool_size"] >= 1

    cluster.restart()

    errors = []
    for _ in range(30):
        try:
            request_like(connection)
        except Exception as error:  # noqa: BLE001 - every failure counts
            errors.append(repr(error))
    assert errors == []
