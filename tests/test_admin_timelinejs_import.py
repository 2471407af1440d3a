"""The admin's TimelineJS import: upload, preview (writes nothing), confirm (writes, with the
user in the history), row errors, permissions, and files that must give a form error, not a 500."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from timeline.admin import timelinejs
from timeline.models import Country, Event, Source
from timeline.roles import CURATOR

from .factories import make_user

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "timelinejs"
URL = reverse("admin:timeline_event_import_timelinejs")
CHANGELIST = reverse("admin:timeline_event_changelist")
FULL_SHEET_TITLES = [
    "Macron receives Putin at Versailles",
    "Путин отменил визит в Париж",
]


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """The files kept between preview and confirm go to this test's own directory."""
    settings.TIMELINEJS_IMPORT_DIR = tmp_path / "imports"
    return settings.TIMELINEJS_IMPORT_DIR


@pytest.fixture
def curator(curator, client):
    """The curator of tests/conftest.py, logged in."""
    client.force_login(curator)
    return curator


@pytest.fixture
def pair(db):
    return [
        Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0],
        Country.objects.update_or_create(code="RU", defaults={"name": "Russia"})[0],
    ]


def upload(name, content=None):
    if content is None:
        content = (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/csv")


def preview(client, name, content=None, **data):
    return client.post(URL, {"import_file": upload(name, content), **data})


def confirm(client, response):
    token = response.context["token"]
    assert token, "the preview offers no confirm"
    return client.post(URL, {"token": token, "confirm": "1"})


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def file_errors(response):
    assert response.status_code == 200
    return response.context["form"].errors.get("import_file", [])


# The button and the form ----------------------------------------------------------------------


def test_it_shows_the_button_on_the_event_changelist(client, curator):
    page = client.get(CHANGELIST)

    assert page.status_code == 200
    assert f'href="{URL}"' in page.text
    assert "Import TimelineJS" in page.text


def test_it_offers_the_publish_checkbox_only_to_editors(client, curator, editor):
    form = client.get(URL)
    assert form.status_code == 200
    assert 'name="import_file"' in form.text and 'name="pair"' in form.text
    assert 'name="publish"' not in form.text
    assert 'enctype="multipart/form-data"' in form.text

    client.force_login(editor)
    assert 'name="publish"' in client.get(URL).text


# Preview, confirm -----------------------------------------------------------------------------


def test_it_previews_the_events_and_writes_nothing(client, curator, pair):
    response = preview(client, "sheet-full.csv", pair="fr-ru")

    assert response.status_code == 200
    assert "France and Russia, a newsroom timeline" in response.text  # the import's name
    counts = {key: number for key, _label, number in response.context["counts"]}
    assert counts == {"create": 6, "update": 0, "unchanged": 0, "skipped": 2}
    for title in FULL_SHEET_TITLES:
        assert title in response.text
    rows = {row["title"]: row for row in response.context["rows"]}
    versailles = rows["Macron receives Putin at Versailles"]
    assert (versailles["action"], versailles["date"], versailles["kind"]) == (
        "create",
        "29–30 May 2017",
        "meeting",
    )
    assert [s.url for s in versailles["sources"]] == [
        "https://www.reuters.com/article/us-france-russia-idUSKBN18P0PB"
    ]
    assert "row 7: era &#x27;Hollande presidency&#x27; skipped" in response.text
    assert "Confirm import" in response.text
    assert "<script>alert" not in response.text  # the hostile headline is shown as text
    assert not Event.objects.exists()
    assert not Event.history.exists()
    assert not Source.objects.exists()


def test_it_writes_on_confirm_and_records_the_user_in_the_history(client, curator, pair):
    response = confirm(client, preview(client, "sheet-full.csv", pair="FR-RU"))

    assert response.status_code == 302 and response.url == CHANGELIST
    assert any("6 events created, 0 updated" in m for m in messages_of(response))
    assert Event.objects.count() == 6
    versailles = Event.objects.get(title="Macron receives Putin at Versailles")
    assert versailles.state == Event.State.DRAFT
    assert sorted(versailles.countries.values_list("code", flat=True)) == ["FR", "RU"]
    record = versailles.history.get()
    assert record.history_user == curator
    assert record.history_change_reason == "Imported from TimelineJS (admin)"
    assert record.history_type == "+"
    assert {s.history.get().history_user for s in versailles.sources.all()} == {curator}


def test_it_forgets_the_file_once_imported(client, curator, pair):
    first = preview(client, "timeline.json", pair="FR-RU")
    token = first.context["token"]
    stored = timelinejs.store_dir() / token
    assert stored.exists()

    confirm(client, first)
    again = client.post(URL, {"token": token})

    assert not stored.exists()
    assert again.status_code == 302 and again.url == URL
    assert any("expired or was imported already" in m for m in messages_of(again))
    assert Event.objects.count() == 3


def test_it_shows_unchanged_when_the_same_file_is_imported_again(client, curator, pair):
    confirm(client, preview(client, "timeline.json", pair="FR-RU"))
    assert Event.objects.count() == 3

    again = preview(client, "timeline.json", pair="FR-RU")

    counts = {key: number for key, _label, number in again.context["counts"]}
    assert counts == {"create": 0, "update": 0, "unchanged": 3, "skipped": 1}
    assert {row["action"] for row in again.context["rows"]} == {"unchanged"}
    assert again.text.count('class="tljs-action tljs-action--unchanged"') == 3
    assert "Nothing to import: every event is already as this file says." in again.text
    assert again.context["token"] is None and "Confirm import" not in again.text
    assert Event.objects.count() == 3  # never duplicated
    assert Event.history.count() == 3


def test_it_shows_an_update_with_the_changed_fields(client, curator, pair):
    confirm(client, preview(client, "timeline.json", pair="FR-RU"))
    Event.objects.filter(slug="g20-hamburg-2017").update(title="Old title", kind=Event.Kind.CALL)

    again = preview(client, "timeline.json", pair="FR-RU")

    row = next(r for r in again.context["rows"] if r["action"] == "update")
    assert row["title"] == "Macron and Putin at the G20 in Hamburg"
    assert set(row["changes"]) == {"title", "kind"}
    assert not Event.objects.filter(title="Macron and Putin at the G20 in Hamburg").exists()

    response = confirm(client, again)

    assert any("0 events created, 1 updated, 2 unchanged" in m for m in messages_of(response))
    g20 = Event.objects.get(slug="g20-hamburg-2017")
    assert (g20.title, g20.kind) == ("Macron and Putin at the G20 in Hamburg", Event.Kind.SUMMIT)
    latest = g20.history.first()
    assert (latest.history_type, latest.history_user) == ("~", curator)


def test_it_prepares_the_import_again_on_confirm(client, curator, pair):
    """The database may change between the preview and the confirm."""
    first = preview(client, "timeline.json", pair="FR-RU")
    Country.objects.filter(code="RU").delete()

    response = confirm(client, first)

    assert response.status_code == 302 and response.url == URL
    assert any("Unknown country code RU" in m for m in messages_of(response))
    assert not Event.objects.exists()


# Bad rows ---------------------------------------------------------------------------------------


def test_it_shows_row_errors_without_a_confirm_button_and_writes_nothing(client, curator, pair):
    response = preview(client, "sheet-invalid.csv", pair="FR-RU")

    assert response.status_code == 200
    assert response.context["token"] is None
    assert "Confirm import" not in response.text
    assert "Nothing can be imported: 7 rows have problems" in response.text
    errors = dict(response.context["row_errors"])
    assert set(errors) == {f"row {n}" for n in range(3, 10)}
    assert "no Headline" in errors["row 3"]
    assert "month 13 is out of range" in errors["row 5"]
    assert "Row 3" in response.text  # shown with its line number
    assert 'name="import_file"' in response.text  # to upload the corrected file
    assert (
        timelinejs.SESSION_KEY not in client.session or not client.session[timelinejs.SESSION_KEY]
    )
    assert not Event.objects.exists()


def test_it_cannot_be_confirmed_with_a_token_it_did_not_give(client, curator, pair):
    response = client.post(URL, {"token": "A" * 43})

    assert response.status_code == 302 and response.url == URL
    assert not Event.objects.exists()
    for token in ["../../etc/passwd", "", "x" * 500]:
        assert client.post(URL, {"token": token}).status_code == 302


def test_it_does_not_accept_another_users_token(client, curator, editor, pair):
    token = preview(client, "timeline.json", pair="FR-RU").context["token"]
    other = Client()
    other.force_login(editor)

    response = other.post(URL, {"token": token})

    assert response.status_code == 302 and response.url == URL
    assert not Event.objects.exists()


# Publishing -------------------------------------------------------------------------------------

SOURCED_SHEET = (
    "Year,Month,Day,Headline,Text,Media,Media Credit,Group\n"
    "2019,8,19,Putin at Brégançon,Talks.,https://example.org/bregancon,AFP,Visit\n"
).encode()


def test_it_lets_an_editor_publish(client, editor, pair):
    client.force_login(editor)
    first = preview(client, "sourced.csv", SOURCED_SHEET, pair="FR-RU", publish="on")
    assert "events will be published" in first.text

    response = confirm(client, first)

    assert any("published" in m for m in messages_of(response))
    assert Event.objects.get().state == Event.State.PUBLISHED


def test_it_does_not_let_a_curator_publish(client, curator, pair):
    first = preview(client, "sourced.csv", SOURCED_SHEET, pair="FR-RU", publish="on")

    assert first.status_code == 200
    assert first.context["plan"].publish is False
    assert "new events will be drafts" in first.text
    assert any("Only editors can publish" in m for m in messages_of(first))
    confirm(client, first)
    assert Event.objects.get().state == Event.State.DRAFT


def test_it_refuses_a_publish_stored_before_the_permission_was_taken_away(client, editor, pair):
    client.force_login(editor)
    first = preview(client, "sourced.csv", SOURCED_SHEET, pair="FR-RU", publish="on")
    editor.groups.set([Group.objects.get(name=CURATOR)])

    response = confirm(client, first)

    assert any("Only editors can publish" in m for m in messages_of(response))
    assert Event.objects.get().state == Event.State.DRAFT


# Who may import ---------------------------------------------------------------------------------


def test_it_sends_an_anonymous_user_to_the_login(client, pair):
    for response in [client.get(URL), client.post(URL, {"import_file": upload("timeline.json")})]:
        assert response.status_code == 302
        assert reverse("admin:login") in response.url
    assert not Event.objects.exists()


def test_it_refuses_a_user_who_is_not_staff(client, pair):
    user = make_user("nora", is_staff=False)
    user.user_permissions.add(Permission.objects.get(codename="add_event"))
    client.force_login(user)

    response = client.post(URL, {"import_file": upload("timeline.json")})

    assert response.status_code == 302 and reverse("admin:login") in response.url
    assert not Event.objects.exists()


def test_it_refuses_staff_without_the_add_permission(client, pair):
    user = make_user("vera")
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"import_file": upload("timeline.json")}).status_code == 403
    assert f'href="{URL}"' not in client.get(CHANGELIST).text  # no button either
    assert not Event.objects.exists()


def test_it_needs_the_csrf_token(curator, pair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)

    response = client.post(URL, {"import_file": upload("timeline.json")})

    assert response.status_code == 403
    assert not Event.objects.exists()


# Bad input: a form error, never a 500 ---------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("FRRU", "two different ISO 3166-1 alpha-2"),
        ("FR-RU-DE", "two different ISO 3166-1 alpha-2"),
        ("FR-FR", "two different ISO 3166-1 alpha-2"),
        ("France-Russia", "two different ISO 3166-1 alpha-2"),
        ("FR-XX", "Unknown country code XX"),
    ],
)
def test_it_reports_a_wrong_pair_as_an_error_on_that_field(client, curator, pair, value, message):
    response = preview(client, "timeline.json", pair=value)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["pair"]
    assert message in form.errors["pair"][0]
    assert "Country pair" in response.text and message in response.text
    assert not Event.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(client, curator, pair):
    content = b"Year,Headline\n" + b"2017,x\n" * (timelinejs.MAX_UPLOAD_BYTES // 7 + 1)
    assert len(content) > timelinejs.MAX_UPLOAD_BYTES

    response = preview(client, "huge.csv", content, pair="FR-RU")

    [error] = file_errors(response)
    assert "at most 20 MB" in error
    assert error in response.text
    assert not Event.objects.exists()


GARBAGE = {
    "latin1.csv": ("Year,Headline\n2017,Réunion\n".encode("latin-1"), "not UTF-8"),
    "sheet.xlsx": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x80\x81", "not UTF-8"),
    "nul.csv": (b"Year,Headline\n2017,A\x00B\n", "binary data"),
    "empty.csv": (b"", "empty"),
    "blank.csv": (b"  \n\n", "empty"),
    "notes.txt": (b"just some notes, not a sheet\n", "not a TimelineJS sheet"),
    "broken.json": (b'{"events": [', "JSON cannot be read"),
    "not-timeline.json": (b'{"hello": "world"}', 'no "events" list'),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "huge-header.csv": (b"Year," + b"x" * 200_000 + b"\n", "cannot be read"),
    "huge-cell.csv": (
        b"Year,Headline\n2017," + b"x" * 200_000 + b"\n",
        "row 2: the CSV cannot be read",
    ),
}


@pytest.mark.parametrize("name", GARBAGE)
def test_it_gives_a_form_error_for_a_file_it_cannot_read(client, curator, pair, name):
    content, message = GARBAGE[name]

    response = preview(client, name, content, pair="FR-RU")

    errors = file_errors(response)
    assert errors and message in " ".join(errors), errors
    assert "Confirm import" not in response.text
    assert not Event.objects.exists()


def test_it_reads_the_knight_lab_sample_sheet(client, curator, pair):
    response = preview(client, "knightlab-women-in-computing.csv", pair="FR-RU")

    assert response.status_code == 200
    assert response.context["plan"].created > 0
    assert not response.context["row_errors"], response.context["row_errors"]
    json.dumps(response.context["counts"])  # plain values
