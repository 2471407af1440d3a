"""oEmbed 1.0 answers for the dashboard and embed URLs, and their errors."""

import html
import re

import pytest
from django.urls import reverse

from timeline.embed import embed_code

OEMBED = reverse("timeline:oembed")


def frame_and_script(code):
    """The embed code's iframe and its sizing script, apart."""
    frame, script = code.split("\n", 1)
    return frame, script


def oembed(client, **params):
    return client.get(OEMBED, params)


def test_it_answers_a_rich_iframe_for_a_dashboard_url(client, dataset):
    response = oembed(client, url="http://testserver/?dispute=syria&from=2015-01-01", format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["provider_name"] and body["provider_url"] == "http://testserver/"
    assert (
        body["width"] == 800 and body["height"] > 640
    )  # the chart's height and the page around it
    src = html.unescape(re.search(r'<iframe src="([^"]+)"', body["html"]).group(1))
    assert src == "http://testserver/embed/?from=2015-01-01&dispute=syria"
    assert (
        f'width="{body["width"]}"' in body["html"] and f'height="{body["height"]}"' in body["html"]
    )
    assert "France – Russia" in body["title"]


def test_it_answers_for_an_embed_url_and_json_is_the_default_format(client, dataset):
    response = oembed(client, url="http://testserver/embed/?kind=meeting")
    assert response.status_code == 200
    assert "/embed/?kind=meeting" in response.json()["html"]


def test_it_honours_maxwidth_and_maxheight(client, dataset):
    body = oembed(client, url="http://testserver/", maxwidth="400", maxheight="300").json()
    assert (body["width"], body["height"]) == (400, 300)
    body = oembed(client, url="http://testserver/", maxwidth="5000").json()
    assert body["width"] == 800


def test_the_height_follows_the_views_chart(client, dataset):
    """The shipped view has more lanes than one dispute's events: a taller iframe."""
    whole = oembed(client, url="http://testserver/").json()["height"]
    syria = oembed(client, url="http://testserver/?dispute=syria").json()["height"]
    assert whole > syria > 640
    assert oembed(client, url="http://testserver/", maxheight=str(syria)).json()["height"] == syria


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/?dispute=syria",
        "http://testserver/admin/",
        "http://testserver/api/events/",
        "javascript:alert(1)",
        "testserver/",
    ],
)
def test_a_url_that_is_not_a_timeline_of_ours_is_404(client, db, url):
    response = oembed(client, url=url)
    assert response.status_code == 404
    assert "url" in response.json()["errors"]


def test_a_format_it_does_not_serve_is_501(client, db):
    response = oembed(client, url="http://testserver/", format="xml")
    assert response.status_code == 501
    assert "format" in response.json()["errors"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "url"),
        ({"url": "http://testserver/", "maxwidth": "wide"}, "maxwidth"),
        ({"url": "http://testserver/", "maxheight": "-3"}, "maxheight"),
        ({"url": "http://testserver/?kind=picnic"}, "url"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, db, params, field):
    response = oembed(client, **params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_hostile_filter_text_cannot_break_out_of_the_iframe_code(client, dataset):
    body = oembed(client, url='http://testserver/?q="><script>alert(1)</script>').json()
    frame, script = frame_and_script(body["html"])
    assert frame.count("<") == 2  # <iframe …></iframe> and nothing else
    assert script == frame_and_script(embed_code("x", "y"))[1]  # the sizing lines, unchanged
    assert "q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E" in frame
