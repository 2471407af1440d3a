"""Repeated failed admin logins lock the username (and a client address) for a while."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-42"
LOCKED = "Too many failed login attempts"


# conftest.py empties the cache (where the failures are counted) around each test and makes
# password hashing fast (these tests log in dozens of times).
@pytest.fixture
def carla():
    """A staff user in no group: the lock-out is about logging in, not about roles."""
    return make_user("carla", password=PASSWORD)


def login(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def fail(client, username, times, address="203.0.113.7"):
    for _ in range(times):
        response = login(client, username, "wrong-password", address)
        assert response.status_code == 200


def test_it_refuses_the_right_password_after_five_failures(client, carla):
    fail(client, "carla", 5)

    response = login(client, "carla", PASSWORD)

    assert response.status_code == 200
    assert LOCKED in response.text
    assert "try again in 15 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_it_still_lets_the_user_in_after_four_failures(client, carla):
    fail(client, "carla", 4)

    response = login(client, "carla", PASSWORD)

    assert response.status_code == 302


def test_it_locks_the_username_from_any_address(client, carla):
    fail(client, "carla", 5, address="203.0.113.7")

    response = login(client, "Carla", PASSWORD, address="198.51.100.20")

    assert LOCKED in response.text


def test_it_does_not_lock_other_users(client, carla):
    get_user_model().objects.create_user(username="edgar", password=PASSWORD, is_staff=True)
    fail(client, "carla", 5)

    response = login(client, "edgar", PASSWORD)

    assert response.status_code == 302


def test_it_locks_an_address_that_tries_many_usernames(client, carla):
    for n in range(20):
        fail(client, f"guess{n}", 1, address="192.0.2.99")

    response = login(client, "carla", PASSWORD, address="192.0.2.99")

    assert LOCKED in response.text
    assert login(client, "carla", PASSWORD, address="192.0.2.1").status_code == 302


def test_it_lets_the_user_in_again_once_the_window_has_passed(client, carla, settings):
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 2
    started = time.monotonic()
    fail(client, "carla", 5)
    assert LOCKED in login(client, "carla", PASSWORD).text
    assert time.monotonic() - started < 2, "too slow to observe the lock"

    time.sleep(2.1)

    assert login(client, "carla", PASSWORD).status_code == 302


def test_it_forgets_earlier_failures_after_a_successful_login(client, carla):
    fail(client, "carla", 4)
    assert login(client, "carla", PASSWORD).status_code == 302
    client.logout()

    fail(client, "carla", 4)

    assert login(client, "carla", PASSWORD).status_code == 302


def test_it_counts_to_the_configured_limit(client, carla, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    fail(client, "carla", 2)

    assert LOCKED in login(client, "carla", PASSWORD).text
