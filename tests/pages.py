"""Reading the public pages as the tests see them: the figure a page embeds, htmx headers."""

import json
import re

# The header htmx sends: the view answers with the partial it swaps in.
HTMX = {"HTTP_HX_REQUEST": "true"}


def figure_of(response):
    """The Plotly figure a dashboard or embed page carries (json_script #timeline-figure)."""
    match = re.search(
        r'<script id="timeline-figure" type="application/json">(.*?)</script>', response.text, re.S
    )
    assert match, "no figure in the page"
    return json.loads(match.group(1))
