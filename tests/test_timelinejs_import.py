"""`manage.py import_timelinejs`: TimelineJS sheets (CSV) and JSON into events."""

import csv
import io
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from timeline.interchange.timelinejs_import import ImportFailed, prepare_import, write_import
from timeline.models import Country, Event, Source, Tag

from .factories import migrate_a_fresh_database

FIXTURES = Path(__file__).parent / "fixtures" / "timelinejs"
FULL_SHEET = FIXTURES / "sheet-full.csv"


@pytest.fixture
def pair(db):
    return [
        Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0],
        Country.objects.update_or_create(code="RU", defaults={"name": "Russia"})[0],
    ]


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_timelinejs", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def event(title):
    return Event.objects.get(title=title)


def test_it_imports_a_sheet_with_every_column(pair):
    out, _ = run(FULL_SHEET, "--pair", "FR-RU")

    assert Event.objects.count() == 6
    assert (
        "'France and Russia, a newsroom timeline': 6 created, 0 updated, 0 unchanged, 2 skipped"
        in out
    )
    assert "row 2: title 'France and Russia, a newsroom timeline' names the import" in out
    assert "row 7: era 'Hollande presidency' skipped" in out
    assert not Event.objects.filter(
        title__in=["Hollande presidency", "France and Russia, a newsroom timeline"]
    )

    versailles = event("Macron receives Putin at Versailles")
    assert versailles.slug == "2017-05-29-macron-receives-putin-at-versailles"
    assert (str(versailles.start), str(versailles.end), versailles.date_precision) == (
        "2017-05-29",
        "2017-05-30",
        "day",
    )
    assert versailles.kind == Event.Kind.MEETING
    assert versailles.state == Event.State.DRAFT
    assert sorted(versailles.countries.values_list("code", flat=True)) == ["FR", "RU"]
    assert (
        "<b>Syria</b>" in versailles.summary
        and 'href="https://www.elysee.fr/"' in versailles.summary
    )
    [source] = versailles.sources.all()
    assert source.url == "https://www.reuters.com/article/us-france-russia-idUSKBN18P0PB"
    assert source.publisher == "Reuters"  # the credit's link markup is dropped
    assert source.title == "Macron hosts Putin at Versailles"


def test_it_sanitises_hostile_html(pair):
    run(FULL_SHEET)

    hostile = Event.objects.get(start="2017-04-24")
    assert hostile.title == "Hostile headline"
    assert hostile.kind == Event.Kind.CYBER  # Group "cyber attack" is the kind's label
    for forbidden in (
        "<script",
        "alert",
        "onclick",
        "onerror",
        "onmouseover",
        "<img",
        "javascript:",
    ):
        assert forbidden not in hostile.summary
    assert "<p>Campaign e-mails leaked.</p>" in hostile.summary
    assert 'href="https://example.org/leak"' in hostile.summary


def test_it_keeps_cyrillic_and_accents(pair):
    run(FULL_SHEET)

    cancelled_visit = event("Путин отменил визит в Париж")
    assert cancelled_visit.summary == "<p>Кремль: визит отменён. Déjà vu à l'Élysée.</p>"
    assert cancelled_visit.sources.get().publisher == "РИА Новости"
    # A slug cannot hold Cyrillic: date plus a stable hash of the headline.
    assert cancelled_visit.slug.startswith("2016-10-11-") and cancelled_visit.slug.isascii()


def test_it_takes_the_precision_from_the_date_parts(pair):
    run(FULL_SHEET)

    peter = event("Peter the Great visits Louis XV in Paris")
    assert (str(peter.start), peter.date_precision) == ("1717-06-10", "day")
    aleppo = event("Aleppo bombing condemned")
    assert (str(aleppo.start), aleppo.date_precision) == ("2016-10-01", "month")
    mistral = event("Mistral warships deal suspended")
    assert (str(mistral.start), mistral.date_precision) == ("2014-01-01", "year")


def test_it_makes_a_group_that_is_no_kind_a_tag_and_defaults_to_statement(pair):
    run(FULL_SHEET)

    aleppo = event("Aleppo bombing condemned")
    assert aleppo.kind == Event.Kind.STATEMENT
    assert list(aleppo.tags.values_list("name", flat=True)) == ["Syria"]
    assert event("Mistral warships deal suspended").kind == Event.Kind.STATEMENT
    assert event("Peter the Great visits Louis XV in Paris").kind == Event.Kind.VISIT


def test_it_reads_an_older_sheet_without_alt_text(pair):
    out, _ = run(FIXTURES / "sheet-old-without-alt-text.csv")

    assert "2 created" in out
    assert event("Macron receives Putin at Versailles").sources.get().publisher == "Reuters"


def test_it_reads_start_date_end_date_and_tag_columns(pair):
    Tag.objects.create(name="syria war", slug="syria-war")

    run(FIXTURES / "sheet-start-end-date.csv")

    moscow = event("Hollande meets Putin in Moscow after the Paris attacks")
    assert (str(moscow.start), moscow.date_precision, moscow.kind) == (
        "2015-11-26",
        "day",
        "meeting",
    )
    assert sorted(moscow.tags.values_list("slug", flat=True)) == ["syria-war", "terrorism"]
    crimea = event("Crimea crisis talks")
    assert (str(crimea.start), str(crimea.end), crimea.date_precision) == (
        "2014-03-01",
        "2014-04-01",
        "month",
    )
    assert sorted(crimea.tags.values_list("name", flat=True)) == ["Crimea", "Ukraine"]
    assert event("A year of cold relations").date_precision == "year"
    macron = event("Macron elected")  # 5/7/2017 is a US-style date, as Google Sheets writes it
    assert (str(macron.start), macron.kind) == ("2017-05-07", "election")
    assert Tag.objects.filter(slug__startswith="syria-war").count() == 1


def test_it_refuses_a_sheet_with_invalid_rows_and_writes_nothing(pair):
    with pytest.raises(CommandError) as failure:
        run(FIXTURES / "sheet-invalid.csv", "--pair", "FR-RU")

    message = str(failure.value)
    assert "Nothing was imported: 7 problems" in message
    for expected in [
        "row 3: no Headline",
        "row 4: start year -44 is out of range",
        "row 5: start month 13 is out of range",
        "row 6: The end date cannot be before the start date.",
        "row 7: start year 20170 is out of range",
        "row 8: the start date 2017-02-30 does not exist",
        "row 9: source 'https://not a url': Enter a valid URL.",
    ]:
        assert expected in message
    assert "row 2" not in message
    assert (Event.objects.count(), Source.objects.count(), Tag.objects.count()) == (0, 0, 0)
    assert Event.history.count() == 0


def test_it_exits_non_zero_on_invalid_rows(pair):
    # manage.py turns a CommandError into this exit status (run_from_argv would also close
    # the test's database connection, so the status is read from the error).
    with pytest.raises(CommandError) as failure:
        run(FIXTURES / "sheet-invalid.csv")

    assert failure.value.returncode == 1
    assert not Event.objects.exists()


def test_a_fresh_install_knows_every_country_of_a_pair(db):
    """No country typed in first: the migrations bring all of ISO 3166-1."""
    migrate_a_fresh_database()
    run(FULL_SHEET, "--pair", "DE-RU")
    imported = Event.objects.all()
    assert imported.exists()
    for made in imported:
        assert sorted(c.code for c in made.countries.all()) == ["DE", "RU"]
    assert str(Country.objects.get(code="DE")) == "Germany"


def test_it_refuses_an_unknown_country_pair(pair):
    with pytest.raises(CommandError, match="Unknown country code XX"):
        run(FULL_SHEET, "--pair", "FR-XX")
    with pytest.raises(CommandError, match="two different ISO 3166-1 alpha-2 country codes"):
        run(FULL_SHEET, "--pair", "France-Russia")
    assert not Event.objects.exists()


def test_it_refuses_a_file_that_is_no_timeline(pair, tmp_path):
    other = tmp_path / "people.csv"
    other.write_text("name,age\nAnna,3\n")
    with pytest.raises(CommandError, match="no Headline or Year"):
        run(other)
    broken = tmp_path / "broken.json"
    broken.write_text('{"events": [')
    with pytest.raises(CommandError, match="The JSON cannot be read"):
        run(broken)


def test_it_imports_timelinejs_json(pair):
    out, _ = run(FIXTURES / "timeline.json", "--pair", "FR-RU")

    assert "'Russia and France in JSON': 3 created" in out
    assert "era 1: era 'Hollande presidency' skipped" in out
    hamburg = Event.objects.get(slug="g20-hamburg-2017")  # the unique_id is the slug
    assert (str(hamburg.start), str(hamburg.end), hamburg.kind) == (
        "2017-07-07",
        "2017-07-08",
        "summit",
    )
    assert hamburg.sources.get().title == "G20 in Hamburg"
    sanctions = Event.objects.get(slug="sanctions-2014")
    assert (str(sanctions.start), sanctions.date_precision, sanctions.kind) == (
        "2014-07-01",
        "month",
        "sanction",
    )
    assert "<script" not in sanctions.summary
    napoleon = event("Napoléon's army enters Moscow")
    assert (str(napoleon.start), napoleon.date_precision, napoleon.kind) == (
        "1812-01-01",
        "year",
        "military",
    )
    assert napoleon.slug == "1812-01-01-napoleons-army-enters-moscow"


@pytest.mark.parametrize("name", ["sheet-full.csv", "timeline.json"])
def test_it_is_idempotent(pair, name):
    run(FIXTURES / name, "--pair", "FR-RU")
    counts = (
        Event.objects.count(),
        Source.objects.count(),
        Tag.objects.count(),
        Event.history.count(),
    )

    out, _ = run(FIXTURES / name, "--pair", "FR-RU")

    assert (
        Event.objects.count(),
        Source.objects.count(),
        Tag.objects.count(),
        Event.history.count(),
    ) == counts
    assert f"0 created, 0 updated, {counts[0]} unchanged" in out


def test_it_updates_a_changed_row_and_records_its_history(pair, tmp_path):
    run(FULL_SHEET, "--pair", "FR-RU")
    versailles = event("Macron receives Putin at Versailles")
    changed = tmp_path / "changed.csv"
    changed.write_text(
        FULL_SHEET.read_text().replace("Talks on <b>Syria</b>", "Talks on <b>Syria</b> and trade"),
        encoding="utf-8",
    )

    out, _ = run(changed, "--pair", "FR-RU")

    assert "0 created, 1 updated, 5 unchanged" in out
    versailles.refresh_from_db()
    assert "and trade" in versailles.summary
    latest, first = versailles.history.all()[:2]
    assert (first.history_type, latest.history_type) == ("+", "~")
    assert "TimelineJS" in latest.history_change_reason
    # Each record holds the event's countries, as simple-history records them on save().
    assert sorted(c.country.code for c in first.countries.all()) == ["FR", "RU"]
    assert sorted(c.country.code for c in latest.countries.all()) == ["FR", "RU"]


def test_it_writes_nothing_on_a_dry_run(pair):
    out, _ = run(FULL_SHEET, "--pair", "FR-RU", "--dry-run")

    assert "Dry run" in out and "6 to create" in out
    assert (Event.objects.count(), Source.objects.count(), Tag.objects.count()) == (0, 0, 0)


def test_it_still_reports_every_error_on_a_dry_run(pair):
    with pytest.raises(CommandError, match="7 problems"):
        run(FIXTURES / "sheet-invalid.csv", "--dry-run")


def test_it_publishes_rows_with_sources(pair):
    run(FULL_SHEET, "--publish")

    assert Event.objects.count() == Event.objects.published().count() == 6
    assert not Event.objects.published().unsourced().exists()


def test_it_refuses_to_publish_a_row_without_source(pair):
    with pytest.raises(CommandError) as failure:
        run(FIXTURES / "sheet-start-end-date.csv", "--publish")

    assert "row 4: cannot publish without a source (Media)" in str(failure.value)
    assert not Event.objects.exists()


def test_it_publishes_existing_drafts_and_keeps_state_without_the_flag(pair):
    run(FULL_SHEET)
    assert not Event.objects.published().exists()
    run(FULL_SHEET, "--publish")
    assert Event.objects.published().count() == 6

    run(FULL_SHEET)  # without --publish, published events stay published

    assert Event.objects.published().count() == 6


def test_it_offers_a_preview_before_writing(pair):
    plan = prepare_import(FULL_SHEET.read_bytes(), pair="FR-RU")

    assert not Event.objects.exists()
    assert (plan.format, plan.name, plan.created, plan.errors) == (
        "csv",
        "France and Russia, a newsroom timeline",
        6,
        [],
    )
    assert [p.event.title for p in plan.events][:2] == [
        "Macron receives Putin at Versailles",
        "Hostile headline",
    ]

    report = write_import(plan)

    assert report.created == Event.objects.count() == 6


def test_it_refuses_to_write_a_plan_with_errors(pair):
    plan = prepare_import((FIXTURES / "sheet-invalid.csv").read_text())

    with pytest.raises(ImportFailed):
        write_import(plan)
    assert not Event.objects.exists()


def large_sheet(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Year", "Month", "Day", "Headline", "Text", "Media", "Media Credit", "Group", "Tag"]
        )
        for n in range(rows):
            writer.writerow(
                [
                    1990 + n % 35,
                    1 + n % 12,
                    1 + n % 28,
                    f"Event number {n}",
                    f"<p>Summary of event <b>{n}</b>.</p>",
                    f"https://example.org/news/{n}",
                    "Example News",
                    ["Meeting", "phone call", "Statement", "Syria"][n % 4],
                    f"batch-{n % 10}",
                ]
            )


def test_it_reports_progress_on_large_files(pair, tmp_path):
    sheet = tmp_path / "large.csv"
    large_sheet(sheet, 2500)

    out, err = run(sheet, "--pair", "FR-RU", "--dry-run")

    assert "1000 of 2500 rows read" in err and "2000 of 2500 rows read" in err
    assert "2500 to create" in out


def test_it_imports_ten_thousand_rows_quickly(pair, tmp_path):
    sheet = tmp_path / "ten-thousand.csv"
    large_sheet(sheet, 10_000)

    started = time.perf_counter()
    out, _ = run(sheet, "--pair", "FR-RU", "--publish")
    first = time.perf_counter() - started
    started = time.perf_counter()
    again, _ = run(sheet, "--pair", "FR-RU", "--publish")
    second = time.perf_counter() - started

    print(
        f"\n10,000 rows: {10_000 / first:.0f} events/s on first import ({first:.1f} s), "
        f"{10_000 / second:.0f} events/s on re-import ({second:.1f} s)"
    )
    assert "10000 created" in out and "10000 unchanged" in again
    assert Event.objects.published().count() == 10_000
    assert Event.history.count() == 10_000 and Source.history.count() == 10_000
    assert first < 60


def test_it_imports_knight_labs_own_sample_sheet(db):
    out, _ = run(FIXTURES / "knightlab-women-in-computing.csv")

    assert "'Women in Computing': 10 created" in out
    assert "row 4: Media is not a link (an embed code?)" in out
    lovelace = event("Ada Lovelace")
    assert (str(lovelace.start), str(lovelace.end), lovelace.date_precision) == (
        "1815-12-10",
        "1852-11-27",
        "day",
    )
    assert 'href="https://en.wikipedia.org/wiki/Ada_Lovelace"' in lovelace.summary
    with pytest.raises(CommandError, match="row 4: cannot publish without a source"):
        run(FIXTURES / "knightlab-women-in-computing.csv", "--publish")


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"events": [], "eras": [{"text": "a string, not an object"}]}', None),
        ('{"events": [], "eras": 7}', None),
        (
            '{"events": [{"start_date": {"year": 2017}, "text": {"headline": "x"}, "diplomacy": {"sources": 5}}]}',
            None,
        ),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("Year," + "H" * 200_000 + "\n2017,x\n", "header cannot be read"),
    ],
)
def test_it_reports_malformed_files_instead_of_crashing(db, content, message):
    try:
        prepare_import(content.encode())
    except ImportFailed as failure:
        assert message is None or any(message in error for error in failure.errors), failure.errors
    else:
        assert message is None
