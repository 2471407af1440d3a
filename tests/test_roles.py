"""The Curator and Editor groups, walked through the real admin URLs of every model."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from timeline.models import (
    Country,
    Dispute,
    Event,
    OfficeTerm,
    Organization,
    Participation,
    Person,
    Place,
    Source,
    Tag,
)
from timeline.roles import CURATED_MODELS, CURATOR, EDITOR, ROLE_PERMISSIONS

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each():
    """One row of every curated model, keyed by model name."""
    france = Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    person = Person.objects.create(name="Emmanuel Macron", country=france)
    event = Event.objects.create(title="Versailles", kind="meeting", start=date(2017, 5, 29))
    return {
        "country": france,
        "person": person,
        "officeterm": OfficeTerm.objects.create(
            person=person, office="President of France", country=france, start=date(2017, 5, 14)
        ),
        "organization": Organization.objects.create(name="G7"),
        "place": Place.objects.create(name="Versailles", country=france),
        "tag": Tag.objects.create(name="summit"),
        "dispute": Dispute.objects.create(slug="syria", name="Syria", start=date(2011, 3, 15)),
        "event": event,
        "participation": Participation.objects.create(event=event, person=person, role="host"),
        "source": Source.objects.create(event=event, url="https://example.org/", title="Report"),
    }


CAN_DELETE = {
    CURATOR: {"participation", "source"},
    EDITOR: set(CURATED_MODELS),
}


@pytest.mark.parametrize("role", [CURATOR, EDITOR])
def test_it_walks_every_model_screen_with_the_role_permissions(client, one_of_each, role):
    client.force_login(make_user("someone", role))
    seen = {}
    for model_name, obj in one_of_each.items():
        for action, args in [
            ("changelist", []),
            ("add", []),
            ("change", [obj.pk]),
            ("history", [obj.pk]),
        ]:
            seen[(model_name, action)] = client.get(
                reverse(f"admin:timeline_{model_name}_{action}", args=args)
            ).status_code
        seen[(model_name, "delete")] = client.get(
            reverse(f"admin:timeline_{model_name}_delete", args=[obj.pk])
        ).status_code

    expected = {}
    for model_name in one_of_each:
        for action in ["changelist", "add", "change", "history"]:
            expected[(model_name, action)] = 200
        expected[(model_name, "delete")] = 200 if model_name in CAN_DELETE[role] else 403
    assert seen == expected


def test_it_lets_a_curator_add_and_change_facts_but_not_delete_people_or_countries(
    client, one_of_each
):
    client.force_login(make_user("carla", CURATOR))
    person, france = one_of_each["person"], one_of_each["country"]

    for obj in [person, france]:
        url = reverse(f"admin:timeline_{obj._meta.model_name}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()
    assert Country.objects.filter(pk=france.pk).exists()

    response = client.post(
        reverse("admin:timeline_person_change", args=[person.pk]),
        {
            "name_en": "Emmanuel Macron",
            "country": france.pk,
            "description": "President of France from May 2017.",
            "slug": person.slug,
            "terms-TOTAL_FORMS": "1",
            "terms-INITIAL_FORMS": "1",
            "terms-0-id": one_of_each["officeterm"].pk,
            "terms-0-person": person.pk,
            "terms-0-office": "President of France",
            "terms-0-country": france.pk,
            "terms-0-start": "2017-05-14",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.description == "President of France from May 2017."


def test_it_lets_an_editor_delete_an_event(client, one_of_each):
    client.force_login(make_user("edgar", EDITOR))
    event = one_of_each["event"]

    response = client.post(reverse("admin:timeline_event_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("role", [CURATOR, EDITOR])
def test_it_keeps_both_roles_away_from_users_and_groups(client, role):
    client.force_login(make_user("someone", role))

    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_group_changelist"),
    ]:
        assert client.get(url).status_code == 403, url
    index = client.get(reverse("admin:index"))
    assert reverse("admin:auth_user_changelist") not in index.text
    assert reverse("admin:timeline_event_changelist") in index.text


def test_it_gives_only_editors_the_publish_permission():
    curator, editor = make_user("carla", CURATOR), make_user("edgar", EDITOR)

    assert not curator.has_perm("timeline.publish_event")
    assert editor.has_perm("timeline.publish_event")


def test_it_creates_the_groups_exactly_as_the_roles_module_says():
    for name, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        assert set(group.permissions.values_list("codename", flat=True)) == codenames


def test_it_redirects_anonymous_users_to_the_admin_login(client, one_of_each):
    for url in [
        reverse("admin:index"),
        reverse("admin:timeline_event_add"),
        reverse("admin:timeline_event_deleted"),
        reverse("admin:timeline_person_change", args=[one_of_each["person"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login") + "?next="), url


def test_it_keeps_a_non_staff_user_out_even_with_the_right_password(client):
    make_user("reader", is_staff=False)

    response = client.post(reverse("admin:login"), {"username": "reader", "password": PASSWORD})

    assert response.status_code == 200
    assert "staff account" in response.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_it_lets_a_staff_member_with_a_role_log_in(client):
    make_user("carla", CURATOR)

    response = client.post(
        reverse("admin:login"), {"username": "carla", "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
