"""The shipped France–Russia dataset: it loads, holds the seed article's facts, reloads
without duplicates, and a bad row stops the whole load."""

import csv
import re
import shutil
from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from timeline.dataset import SHIPPED_DATASET, DatasetError, LoadReport, load_dataset
from timeline.models import Country, Dispute, Event, OfficeTerm, Person, Source, Tag

SEED_TITLE = "Rights activists in Paris protest Putin visit"


def counts():
    return (
        Event.objects.count(),
        Dispute.objects.count(),
        OfficeTerm.objects.count(),
        Source.objects.count(),
        Person.objects.count(),
    )


def test_it_loads_every_row_published_and_sourced(dataset):
    assert Event.objects.count() == 27
    assert Dispute.objects.count() == 4
    assert OfficeTerm.objects.count() == 9
    assert Event.objects.published().count() == 27
    assert not Event.objects.unsourced().exists()
    for event in Event.objects.all():
        event.full_clean()  # every shipped row obeys the curators' rules


def test_it_holds_the_versailles_meeting_with_macron_and_putin(dataset):
    meeting = Event.objects.get(start=date(2017, 5, 29), kind=Event.Kind.MEETING)
    assert "Versailles" in meeting.place.name
    people = set(meeting.participations.values_list("person__name", flat=True))
    assert {"Emmanuel Macron", "Vladimir Putin"} <= people
    assert set(meeting.disputes.values_list("slug", flat=True)) == {
        "syria",
        "ukraine-crimea",
        "election-interference",
        "chechnya-lgbt",
    }
    assert meeting.sources.filter(title=SEED_TITLE).exists()


def test_it_holds_the_cancelled_october_2016_visit(dataset):
    visit = Event.objects.get(kind=Event.Kind.VISIT, start__year=2016)
    assert visit.cancelled
    assert visit.start == date(2016, 10, 11)
    assert "Vladimir Putin" in visit.participations.values_list("person__name", flat=True)
    assert visit.disputes.filter(slug="syria").exists()
    assert not Event.objects.filter(cancelled=True).exclude(pk=visit.pk).exists()


def test_it_holds_the_5_may_2017_hack(dataset):
    hack = Event.objects.get(kind=Event.Kind.CYBER)
    assert hack.start == date(2017, 5, 5)
    assert hack.disputes.filter(slug="election-interference").exists()
    assert hack.tone < 0


def test_it_holds_the_four_disputes_with_their_spans(dataset):
    spans = {d.slug: (d.start, d.end) for d in Dispute.objects.all()}
    assert spans == {
        "syria": (date(2015, 9, 30), None),
        "ukraine-crimea": (date(2014, 2, 27), None),
        "election-interference": (date(2017, 4, 23), date(2017, 5, 29)),
        "chechnya-lgbt": (date(2017, 4, 1), None),
    }
    parties = set(Dispute.objects.get(slug="syria").parties.values_list("code", flat=True))
    assert parties == {"FR", "RU", "SY"}


def test_hollandes_term_ends_on_14_may_2017_when_macrons_begins(dataset):
    hollande = OfficeTerm.objects.get(person__name="François Hollande")
    macron = OfficeTerm.objects.get(person__name="Emmanuel Macron")
    assert hollande.end == date(2017, 5, 14) == macron.start
    assert macron.end is None
    assert OfficeTerm.objects.filter(person__name="Vladimir Putin").count() == 3


def test_facts_from_the_seed_article_cite_it_with_a_verbatim_passage(dataset):
    citations = Source.objects.filter(title=SEED_TITLE)
    assert citations.count() >= 15
    for source in citations:
        assert source.author == "Joanne Flowers"
        assert source.published == date(2017, 5, 29)
        assert source.quote, f"{source.event.slug} cites the article without its passage"


def test_reloading_is_idempotent(dataset):
    before = counts()
    history_before = Event.history.count()
    report = load_dataset()
    assert counts() == before
    assert report.created == {} and report.updated == {}
    assert Event.history.count() == history_before  # no empty revisions


def test_reloading_keeps_curators_changes_to_unlisted_rows(dataset):
    event = Event.objects.get(kind=Event.Kind.CYBER)
    Source.objects.create(event=event, url="https://example.org/report", title="Later report")
    load_dataset()
    assert event.sources.filter(title="Later report").exists()


def copy_with(tmp_path, name, edit):
    folder = tmp_path / "dataset"
    shutil.copytree(SHIPPED_DATASET, folder)
    path = folder / name
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.mark.django_db
def test_a_bad_row_stops_the_load_and_writes_nothing(tmp_path):
    def break_last_date(rows):
        rows[-1]["start"] = "2017-13-45"

    folder = copy_with(tmp_path, "events.csv", break_last_date)
    with pytest.raises(DatasetError, match=r"events\.csv:28: '2017-13-45' is not a date"):
        load_dataset(folder)
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_a_row_breaking_a_model_rule_is_reported_with_the_rule(tmp_path):
    def bad_tone(rows):
        rows[0]["tone"] = "15"

    folder = copy_with(tmp_path, "events.csv", bad_tone)
    with pytest.raises(CommandError, match=r"events\.csv:2: .*−10 to \+10|events\.csv:2: .*10"):
        call_command("load_dataset", str(folder))
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_the_command_loads_only_an_empty_database_with_if_empty(capsys):
    call_command("load_dataset", "--if-empty")
    assert Event.objects.count() == 27
    call_command("load_dataset", "--if-empty")
    assert "already in the database, kept" in capsys.readouterr().out
    assert Event.objects.count() == 27


@pytest.mark.django_db
def test_ensure_editor_prints_a_random_password_once(capsys):
    call_command("ensure_editor")
    first = capsys.readouterr().out
    password = re.search(r"editor / (\S+)", first).group(1)
    assert len(password) >= 12
    user = authenticate(username="editor", password=password)
    assert user is not None and user.is_staff and not user.is_superuser
    assert user.has_perm("timeline.publish_event")

    call_command("ensure_editor")
    second = capsys.readouterr().out
    assert password not in second
    assert "exists" in second
    assert authenticate(username="editor", password=password) is not None


def test_history_says_the_rows_came_from_the_dataset(dataset):
    record = Event.history.filter(slug="2017-05-29-versailles-meeting").earliest("history_date")
    assert record.history_change_reason == "Loaded from dataset france-russia"


def test_every_published_event_of_the_shipped_dataset_is_on_france_russia(client, dataset):
    """The Taormina quote is about Russia and involves France: it is on the pair's timeline,
    as is Macron's taking office, which the curated France–Russia facts list."""
    from timeline import selectors

    shown = selectors.matching_events({"pair": "FR-RU"})
    assert set(shown.values_list("slug", flat=True)) == set(
        Event.objects.published().values_list("slug", flat=True)
    )
    assert not Event.objects.published().exclude(selectors.on_some_pair()).exists()
    summits = client.get("/api/events/", {"kind": "summit"}).json()
    assert "2017-05-26-g7-summit-taormina" in [e["slug"] for e in summits["results"]]
    assert [
        e["about"] for e in summits["results"] if e["slug"] == "2017-05-26-g7-summit-taormina"
    ] == [["RU"]]


@pytest.mark.django_db
def test_a_first_load_reports_what_it_created_and_nothing_as_updated():
    """Events are published once their sources exist, in the same load: that is part of
    creating them, not an update (make run printed "updated 27 events" on a fresh database)."""
    report = load_dataset()
    assert report.created["events"] == 27
    # The migrations made every country with its ISO name; the dataset may name one its
    # own way ("United States"), and that is an update. Nothing else is.
    assert set(report.updated) <= {"countries"}


def test_the_report_writes_one_row_in_the_singular():
    report = LoadReport()
    report.count(Country(pk=1, code="DE"), created=True)
    report.count(Tag(pk=1, name="a"), created=True)
    report.count(Tag(pk=2, name="b"), created=True)
    assert str(report) == "created 1 country, 2 tags; updated nothing"
