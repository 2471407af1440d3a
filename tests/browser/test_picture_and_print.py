"""A picture of the chart with its sources (PNG and SVG, drawn in the browser by Plotly's
own export) and the print view (Chromium's PDF of the dashboard and of an event page)."""

import re
import shutil
import subprocess
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def download(page, format_):
    button = page.locator(f'.picture-buttons [data-picture="{format_}"]')
    with page.expect_download() as info:
        button.click()
    saved = info.value
    return saved.suggested_filename, Path(saved.path()).read_bytes()


def png_size(data):
    """(width, height) from the IHDR chunk that follows the signature."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_the_png_is_a_wide_picture_named_after_the_view(open_page):
    page = open_page("/?kind=meeting&from=2014-01-01")
    name, data = download(page, "png")
    assert name == "timeline-fr-ru-meeting-from-1-january-2014.png"
    assert data.startswith(PNG_SIGNATURE)
    width, height = png_size(data)
    assert width == 1400 and 500 < height < 1400
    assert len(data) > 20_000  # a drawn chart, not a blank page


def test_the_svg_carries_title_filters_credit_and_date_in_the_page_language(open_page):
    page = open_page("/fr/?kind=meeting")
    name, data = download(page, "svg")
    svg = data.decode()
    assert name.endswith(".svg") and svg.lstrip().startswith("<svg")
    text = re.sub(r"<[^>]+>", " ", svg)
    assert "France – Russie" in text
    assert "rencontre" in text
    assert "Chronologie des relations diplomatiques" in text
    assert "/fr/?kind=meeting" in text
    assert "CC BY 4.0" in text
    assert re.search(
        r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) 20\d\d",
        text,
    )


def test_the_picture_keeps_the_zoom(open_page):
    page = open_page("/")
    page.click('[data-range="1"]')
    page.wait_for_function(
        "document.getElementById('timeline-chart')._fullLayout.xaxis.range[0] > '2016'"
    )
    _, data = download(page, "svg")
    ticks = re.findall(r'class="xtick"[^>]*>.*?<text[^>]*>([^<]+)</text>', data.decode())
    assert ticks and not any("2012" in tick for tick in ticks)


def test_curated_words_stay_words_in_the_picture(open_page):
    page = open_page("/?q=%3Cb%3Ebold%3C%2Fb%3E")
    _, data = download(page, "svg")
    svg = data.decode()
    assert "&#60;b&#62;bold&#60;/b&#62;" in svg  # as Plotly writes "<" in a text
    assert "<b>bold" not in svg


def pdf_pages(page, tmp_path, name):
    """Print the page as Chromium does, and return the pages as PNG files (pdftoppm)."""
    pdf = tmp_path / f"{name}.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    subprocess.run(
        [shutil.which("pdftoppm"), "-r", "50", "-png", str(pdf), str(tmp_path / name)],
        check=True,
    )
    return sorted(tmp_path.glob(f"{name}*.png")), pdf


def test_the_printed_dashboard_has_the_chart_then_the_events_with_sources(open_page, tmp_path):
    page = open_page("/?dispute=syria")
    images, pdf = pdf_pages(page, tmp_path, "dashboard")
    assert 1 <= len(images) <= 6
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for hidden in ("Apply filters", "Embed this view", "Cite this view", "Zoom", "PNG"):
        assert hidden not in text
    assert text.index("Timeline") < text.index("Events")
    assert "https://" in text.split("Events", 1)[1]  # the sources' addresses, on paper
    # The chart is drawn to the page's width: its SVG has the viewBox print scales.
    assert page.locator("#timeline-chart .main-svg[viewBox]").count() >= 1
    page.screenshot(path=str(tmp_path / "print-screen.png"))


def test_the_printed_event_page_has_its_sources_and_no_buttons(open_page, tmp_path):
    page = open_page("/events/2017-05-29-versailles-meeting/", chart=False)
    images, pdf = pdf_pages(page, tmp_path, "event")
    assert len(images) == 1
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Versailles" in text and "Sources" in text
    assert "Cite this event" not in text and "Back to the timeline" not in text
