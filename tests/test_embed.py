"""The embed page: frameable (and only it), cookie-free, same filters as the dashboard."""

import re
from collections import Counter
from datetime import date
from html import escape, unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from timeline.embed import embed_code
from timeline.models import Country, Event, Source

EMBED = reverse("timeline:embed")


def frame_ancestors(response):
    match = re.search(r"frame-ancestors ([^;]+)", response["Content-Security-Policy"])
    return match.group(1).strip() if match else None


def test_the_embed_page_may_be_framed_by_any_origin_by_default(client, dataset):
    response = client.get(EMBED, {"dispute": "syria"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == "*"


@override_settings(EMBED_ALLOWED_ORIGINS=["https://news.example", "https://*.paper.example"])
def test_the_embed_page_may_be_framed_only_by_the_configured_origins(client, dataset):
    response = client.get(EMBED)
    assert frame_ancestors(response) == "https://news.example https://*.paper.example"
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize(
    "url",
    [
        reverse("timeline:dashboard"),
        reverse("timeline:event", args=["2017-05-29-versailles-meeting"]),
        reverse("timeline:api-events"),
        reverse("timeline:oembed") + "?url=http://testserver/",
        "/admin/login/",
    ],
)
def test_every_other_page_refuses_framing(client, dataset, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "'none'"


def test_the_embed_page_sets_no_cookie_and_needs_none(client, dataset):
    response = client.get(EMBED)
    assert response.cookies == {}
    assert "Set-Cookie" not in str(response.headers)
    htmx = client.get(EMBED, {"kind": "meeting"}, headers={"HX-Request": "true"})
    assert htmx.cookies == {}


def test_the_embed_page_shows_the_filtered_events_with_count_credit_and_link(client, dataset):
    response = client.get(EMBED, {"dispute": "syria"})
    page = response.content.decode()
    syria = Event.objects.published().filter(disputes__slug="syria")
    for event in syria:
        assert event.get_absolute_url() in page
    assert f'aria-live="polite">{syria.count()} events</p>' in page
    assert '<p class="credit">' in page
    assert 'href="/?dispute=syria"' in page  # open the full timeline at the same filters
    assert 'id="timeline-figure"' in page
    assert 'type="application/json+oembed"' in page
    assert "oembed/?url=http%3A%2F%2Ftestserver%2Fembed%2F%3Fdispute%3Dsyria" in page


def test_the_embed_page_refuses_bad_filters_with_400_naming_them(client, dataset):
    response = client.get(EMBED, {"from": "2017-31-01"})
    assert response.status_code == 400
    assert "from:" in response.content.decode()
    htmx = client.get(EMBED, {"kind": "picnic"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 400
    assert "kind:" in htmx.content.decode()
    assert "<html" not in htmx.content.decode()  # the partial, for the swap


def test_the_embed_page_never_shows_drafts(client, dataset):
    draft = Event.objects.create(
        title="Unannounced draft summit", kind="summit", start=date(2017, 5, 30)
    )
    draft.countries.add(*Country.objects.filter(code__in=["FR", "RU"]))
    page = client.get(EMBED).content.decode()
    assert "Unannounced draft summit" not in page
    assert draft.slug not in page


def test_the_embed_title_says_what_the_view_is_filtered_to(client, dataset):
    page = client.get(EMBED, {"dispute": "syria", "from": "2015-01-01"}).content.decode()
    assert "Syria and Aleppo · from 1 January 2015" in page


def test_event_details_inside_the_embed_link_out_instead_of_swapping(client, dataset):
    url = reverse("timeline:event", args=["2017-05-29-versailles-meeting"])
    inside = client.get(
        url, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/embed/"}
    )
    outside = client.get(
        url, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
    )
    assert "dispute=syria" in inside.content.decode()
    assert 'hx-target="#results"' not in inside.content.decode()
    assert 'hx-target="#results"' in outside.content.decode()


def test_the_dashboard_offers_the_embed_code_of_the_current_view(client, dataset):
    page = client.get(reverse("timeline:dashboard"), {"dispute": "syria"}).content.decode()
    assert "Embed this view" in page
    assert 'data-embed-src="http://testserver/embed/?dispute=syria"' in page
    textarea = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', page, re.S)[1]
    assert unescape(textarea).startswith('<iframe src="http://testserver/embed/?dispute=syria"')
    assert 'value="http://testserver/?dispute=syria"' in page
    assert 'type="application/json+oembed"' in page


def test_the_dialog_and_oembed_give_one_embed_code(client, dataset):
    """The dashboard's dialog, filled in at oEmbed's size, is oEmbed's html to the byte."""
    page = client.get(reverse("timeline:dashboard"), {"dispute": "syria"}).text
    template = unescape(re.search(r'data-embed-template="([^"]*)"', page, re.S)[1])
    textarea = unescape(
        re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', page, re.S)[1]
    )
    answer = client.get(
        reverse("timeline:oembed"), {"url": "http://testserver/?dispute=syria"}
    ).json()
    size = {"{width}": str(answer["width"]), "{height}": str(answer["height"])}
    assert fill(template, size) == answer["html"]
    assert fill(template, {"{width}": "800", "{height}": "640"}) == textarea
    assert "{width}" not in textarea and "<script>" in textarea


def fill(template, values):
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    return template


def test_the_readme_shows_the_embed_code_as_it_is_made():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme[readme.index("### Embedding the timeline") :]
    shown = re.search(r"```html\n(.*?)\n```", section, re.S)[1]
    src = unescape(re.search(r'<iframe src="([^"]+)"', shown)[1])
    title = unescape(re.search(r'title="([^"]+)"', shown)[1])
    assert shown == embed_code(src, title)


def test_summaries_with_markup_are_sanitised_on_the_event_page(client, dataset):
    event = Event.objects.get(slug="2017-05-29-versailles-meeting")
    event.summary = '<p>Talks <script>window.pwned=1</script><a href="javascript:alert(1)" onclick="x()">here</a> <b>bold</b></p>'
    event.save()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<b>bold</b>" in page
    assert "window.pwned" not in page
    assert "javascript:" not in page and "onclick" not in page


@pytest.mark.parametrize("path", [EMBED, reverse("timeline:dashboard")])
def test_the_credit_line_names_the_sources_publishers_and_the_data_licence(client, dataset, path):
    response = client.get(path, {"dispute": "syria"})
    credit = re.search(r'<p class="credit">(.*?)</p>', response.text, re.S).group(1)
    cited = Source.objects.filter(event__disputes__slug="syria", event__state=Event.State.PUBLISHED)
    by_count = Counter(
        cited.exclude(publisher="").values_list("publisher", flat=True)
    ).most_common()
    top = by_count[0][0]
    assert f"{cited.count()} sources from {escape(top)}" in credit
    assert f"and {len(by_count) - 4} other publishers" in credit
    assert (
        'href="https://creativecommons.org/licenses/by/4.0/" rel="license noopener">CC BY 4.0</a>'
        in credit
    )


@override_settings(
    DATA_LICENCE_NAME="ODbL 1.0", DATA_LICENCE_URL="https://opendatacommons.org/licenses/odbl/1-0/"
)
def test_the_credit_line_names_the_configured_licence(client, dataset):
    credit = re.search(r'<p class="credit">(.*?)</p>', client.get(EMBED).text, re.S).group(1)
    assert ">ODbL 1.0</a>" in credit and "opendatacommons.org" in credit


def scripts_of(html):
    return re.findall(r'<script src="[^"]*/timeline/([a-z-]+)(?:\.[0-9a-f]+)?\.js"', html)


def test_each_page_loads_the_scripts_of_its_jobs_only(client, dataset):
    dashboard = client.get(reverse("timeline:dashboard")).text
    embed = client.get(EMBED).text
    assert scripts_of(dashboard) == ["chart", "page", "picture", "embed-code", "cite"]
    assert scripts_of(embed) == ["chart", "page", "picture", "embed-height"]
