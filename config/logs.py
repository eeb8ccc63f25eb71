"""Logging: JSON lines for machines, or plain text for people, from one configuration.

`LOG_FORMAT=json` writes one JSON object a line (what CloudWatch, Loki or `jq` read);
`LOG_FORMAT=plain` the same events as readable text, the default when DEBUG is on (`make run`).
Both go through structlog's ProcessorFormatter, so Django's and the libraries' own log records
(`django.request`, `axes`, ...) come out in the same shape as the request lines, and every line
logged while a request is served carries its `request_id` (littlelemon.observability.requests).
"""

from typing import Any

import structlog

FORMATS = ("json", "plain")


def _drop_formatted_message(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A record another handler formatted first (Django's console handler when DEBUG is on)
    carries its text as `message` too: the `event` already says it."""
    event_dict.pop("message", None)
    return event_dict


#: What every record gets, whether logged through structlog or the standard library.
_SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    _drop_formatted_message,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog() -> None:
    """structlog's loggers hand their events to the standard library's, whose handlers
    (settings.LOGGING) format them; called once from the settings."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def formatter(log_format: str) -> dict[str, Any]:
    """A `logging.config` formatter entry for `json` or `plain`."""
    renderer = (
        structlog.processors.JSONRenderer(sort_keys=False)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    processors = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if log_format == "json":
        processors += [structlog.processors.dict_tracebacks]
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [*processors, renderer],
        "foreign_pre_chain": _SHARED_PROCESSORS,
    }


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """settings.LOGGING: everything to stderr in `log_format`, from `level` up."""
    if log_format not in FORMATS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOG_FORMAT={log_format!r}: use json or plain.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {name: formatter(name) for name in FORMATS},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }
