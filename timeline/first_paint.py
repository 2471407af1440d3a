"""The public pages' one inline script, and its hash for the Content Security Policy.

Right after the static chart, it marks the frame that paints it (`timeline:chart-visible`,
which bench/ measures). Public pages are cached whole (http_cache.py), so they carry no
per-response nonce: the policy allows this script by the SHA-256 of its text, as a
hash-based strict CSP does for cached pages, and the other scripts are files of our own
origin. The admin, never cached, keeps nonces.
"""

import base64
import hashlib

CHART_VISIBLE_SCRIPT = (
    "if (window.performance && performance.mark && document.querySelector('.chart-static')) "
    "requestAnimationFrame(function () { performance.mark('timeline:chart-visible'); });"
)

CHART_VISIBLE_HASH = (
    "'sha256-"
    + base64.b64encode(hashlib.sha256(CHART_VISIBLE_SCRIPT.encode()).digest()).decode()
    + "'"
)
