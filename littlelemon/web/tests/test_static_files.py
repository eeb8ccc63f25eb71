"""In production, pages link static files by content hash and WhiteNoise serves them
compressed and cached for a year (a new deploy changes the hash, so nothing stale is served)."""

import json
import os
import re
import subprocess
import sys

from django.conf import settings
from django.core.management.utils import get_random_secret_key

# Runs in a fresh interpreter under config.settings.prod: settings are read once per process.
SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import Client

call_command("collectstatic", "--noinput", verbosity=0)
client = Client()
css = client.get(static("web/app.css"), secure=True, headers={"accept-encoding": "gzip"})
unhashed = client.get("/static/web/app.css", secure=True)
print(json.dumps({
    "page": render_to_string("500.html"),
    "css_url": static("web/app.css"),
    "status": css.status_code,
    "encoding": css.get("Content-Encoding"),
    "cache_control": css.get("Cache-Control"),
    "unhashed_cache_control": unhashed.get("Cache-Control"),
}))
"""


def test_collectstatic_and_production_settings_serve_hashed_compressed_css(tmp_path):
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": get_random_secret_key() + get_random_secret_key(),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert re.fullmatch(r"/static/web/app\.[0-9a-f]{12}\.css", served["css_url"])
    assert f'<link rel="stylesheet" href="{served["css_url"]}">' in served["page"]
    assert re.search(r'<script src="/static/web/app\.[0-9a-f]{12}\.js" defer>', served["page"])
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.[0-9a-f]{12}\.js" defer>', served["page"])
    assert served["status"] == 200
    assert served["encoding"] == "gzip"
    assert served["cache_control"] == "max-age=315360000, public, immutable"
    assert "immutable" not in (served["unhashed_cache_control"] or "")
    assert (tmp_path / "static" / "staticfiles.json").exists()
