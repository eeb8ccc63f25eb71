"""Development: `make run`. DEBUG on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403

# `make run` serves under uvicorn (scripts/run.sh), not runserver: WhiteNoise serves the static
# files straight from the app folders, and sees a changed file at once.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
