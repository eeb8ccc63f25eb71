"""ASGI entry point (uvicorn for `make run`, gunicorn's UvicornWorker in the image). Production
settings unless DJANGO_SETTINGS_MODULE says otherwise."""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
# Read by the settings: under ASGI no database connection outlives its request (CONN_MAX_AGE).
os.environ["LITTLELEMON_ASGI"] = "true"

# WhiteNoise (static files where no proxy serves them) answers with a file's synchronous iterator,
# which Django reads in a thread under ASGI, warning each time: expected here, not a mistake.
warnings.filterwarnings("ignore", "StreamingHttpResponse must consume synchronous iterators", Warning)

application = get_asgi_application()
