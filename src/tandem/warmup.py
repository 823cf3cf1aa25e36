"""What a server process loads before its first request, so no user waits for it.

Run once per web worker, just before ``gc.freeze()`` in ``tandem.wsgi``: everything loaded
here then lives outside the garbage collector's sight. Loaded lazily instead, the compiled
templates, URL patterns and dateparser's language data stayed in the collector's oldest
generation, and each full collection walked them all: a 20 ms pause every thirty requests
or so, which is what a page's 95th percentile was made of.
"""

from __future__ import annotations

import gc
from pathlib import Path

from django.apps import apps
from django.template.loader import get_template
from django.urls import get_resolver

from tandem.work.deadlines import warm_up as warm_up_deadlines


def tandem_template_names() -> list[str]:
    """Every template of Tandem's own apps, by the name pages load it with."""
    names = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tandem."):
            continue
        root = Path(config.path) / "templates"
        names += [str(path.relative_to(root)) for path in sorted(root.rglob("*.html"))]
    return names


def warm_up() -> None:
    """Compile the templates, fill the URL resolver and load the deadline parser's data."""
    get_resolver().reverse_dict  # noqa: B018 (filled on first access)
    for name in tandem_template_names():
        get_template(name)
    warm_up_deadlines()
    gc.collect()
