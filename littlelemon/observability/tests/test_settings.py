"""The environment switches of issue 14: log format, metrics, and what AWS Lambda changes."""

from django.core.management.utils import get_random_secret_key

from littlelemon.core.tests.test_settings import read_settings, run

SECRETS = {"SECRET_KEY": "a-secret-key-for-reading-settings-only-0123456789abcdef", "ALLOWED_HOSTS": "example.com"}
POSTGRES = "postgres://littlelemon:password@127.0.0.1:5432/littlelemon"
PROMETHEUS = (
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
)


def test_json_logs_in_production_and_plain_in_development():
    assert read_settings("config.settings.prod", "s.LOG_FORMAT", **SECRETS) == "json"
    assert read_settings("config.settings.dev", "s.LOG_FORMAT") == "plain"
    assert read_settings("config.settings.dev", "s.LOG_FORMAT", LOG_FORMAT="json") == "json"
    assert read_settings("config.settings.prod", "s.LOGGING['handlers']['console']['formatter']", **SECRETS) == "json"


def test_an_unknown_log_format_stops_the_start():
    result = run(["manage.py", "check"], "config.settings.prod", LOG_FORMAT="xml", **SECRETS)

    assert result.returncode != 0
    assert "LOG_FORMAT='xml': use json or plain." in result.stderr


def test_the_request_log_goes_first_and_prometheus_wraps_the_rest():
    middleware = read_settings("config.settings.prod", "s.MIDDLEWARE", **SECRETS)

    assert middleware[:2] == ["littlelemon.observability.requests.RequestLogMiddleware", PROMETHEUS[0]]
    assert middleware[-2:] == [PROMETHEUS[1], "axes.middleware.AxesMiddleware"]
    assert read_settings("config.settings.prod", "s.METRICS_TOKEN", **SECRETS) == ""


def test_on_lambda_the_caches_and_sessions_are_the_database_s_and_nothing_is_scraped():
    lambda_env = {**SECRETS, "AWS_LAMBDA_FUNCTION_NAME": "littlelemon-web", "DATABASE_URL": POSTGRES}
    caches = read_settings("config.settings.prod", "s.CACHES", **lambda_env)
    assert {alias: cache["BACKEND"] for alias, cache in caches.items()} == {
        "default": "django.core.cache.backends.db.DatabaseCache",
        "throttle": "littlelemon.core.cache.UpsertDatabaseCache",
    }
    assert read_settings("config.settings.prod", "s.SESSION_ENGINE", **lambda_env) == (
        "django.contrib.sessions.backends.db"
    )
    middleware = read_settings("config.settings.prod", "s.MIDDLEWARE", **lambda_env)
    assert not set(PROMETHEUS) & set(middleware)
    assert middleware[0] == "littlelemon.observability.requests.RequestLogMiddleware"
    # Redis, when the template gives one, is used instead.
    with_redis = read_settings(
        "config.settings.prod", "s.CACHES['throttle']['BACKEND']", REDIS_URL="redis://r:6379/0", **lambda_env
    )
    assert with_redis == "django.core.cache.backends.redis.RedisCache"


def test_on_lambda_a_sqlite_file_is_refused():
    result = run(["manage.py", "check"], "config.settings.prod", AWS_LAMBDA_FUNCTION_NAME="littlelemon-web", **SECRETS)

    assert result.returncode != 0
    assert "On AWS Lambda set DATABASE_URL (PostgreSQL)" in result.stderr


def test_the_database_cache_anywhere_by_choice():
    caches = read_settings(
        "config.settings.prod", "s.CACHES['default']['BACKEND']", CACHE_IN_DATABASE="true", **SECRETS
    )

    assert caches == "django.core.cache.backends.db.DatabaseCache"


def test_check_deploy_is_clean_on_lambda_with_s3():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        "config.settings.prod",
        AWS_LAMBDA_FUNCTION_NAME="littlelemon-web",
        DATABASE_URL=POSTGRES,
        AWS_STORAGE_BUCKET_NAME="littlelemon-media",
        AWS_S3_CUSTOM_DOMAIN="d111111abcdef8.cloudfront.net",
        STATIC_ON_S3="true",
        SECRET_KEY=get_random_secret_key() + get_random_secret_key(),
        ALLOWED_HOSTS="example.com",
    )

    assert result.returncode == 0, result.stderr
