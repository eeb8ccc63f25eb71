"""Settings come from the environment; production refuses to start without its secrets.

Each case runs in a fresh interpreter, because settings are read once per process.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key

ROOT = settings.BASE_DIR
STRIPPED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "DATABASE_URL",
    "REDIS_URL",
)


def run(args: list[str], settings_module: str, **env: str) -> subprocess.CompletedProcess:
    environment = (
        {k: v for k, v in os.environ.items() if k not in STRIPPED} | {"DJANGO_SETTINGS_MODULE": settings_module} | env
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def read_settings(settings_module: str, expression: str, **env: str):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({expression}, default=str))"
    )
    result = run(["-c", code], settings_module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_refuses_to_start_without_secret_key():
    result = run(["manage.py", "check"], "config.settings.prod", ALLOWED_HOSTS="example.com")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run(["manage.py", "check"], "config.settings.prod", SECRET_KEY=get_random_secret_key())

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_dev_settings_with_debug_off_still_require_a_secret_key():
    result = run(["manage.py", "check"], "config.settings.dev", DEBUG="false", ALLOWED_HOSTS="example.com")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_the_required_variables(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        "config.settings.prod",
        SECRET_KEY=get_random_secret_key() + get_random_secret_key(),
        ALLOWED_HOSTS="littlelemon.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_secret_key_starting_with_a_dollar_sign_is_read_as_it_is(tmp_path):
    key = "$" + get_random_secret_key()  # django-environ would take it for another variable's name

    values = read_settings("config.settings.prod", "[s.SECRET_KEY]", SECRET_KEY=key, ALLOWED_HOSTS="example.com")

    assert values == [key]


def test_production_defaults_are_secure():
    values = read_settings(
        "config.settings.prod",
        "[s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.REST_FRAMEWORK['NUM_PROXIES'], s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']]",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="example.com",
    )

    assert values == [
        False,
        True,
        True,
        True,
        31_536_000,
        0,
        {
            "anon": "20/min",
            "user": "100/min",
            "login": "10/min",
            "login_username": "10/hour",
            "signup": "5/min",
            "guest": "5/min",
            "order": "10/min",
            "api_key": "600/min",
        },
    ]


def test_https_can_be_switched_off_behind_a_tls_proxy_and_proxies_trusted():
    values = read_settings(
        "config.settings.prod",
        "[s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.REST_FRAMEWORK['NUM_PROXIES'], s.SECURE_PROXY_SSL_HEADER]",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="example.com",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        TRUSTED_PROXIES="1",
    )

    assert values == [False, False, 1, ["HTTP_X_FORWARDED_PROTO", "https"]]


def test_throttle_rates_and_time_zone_come_from_the_environment():
    values = read_settings(
        "config.settings.dev",
        "[s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], s.TIME_ZONE]",
        THROTTLE_ANON_RATE="5/min",
        THROTTLE_USER_RATE="off",
        THROTTLE_LOGIN_RATE="3/min",
        THROTTLE_LOGIN_USERNAME_RATE="7/hour",
        THROTTLE_SIGNUP_RATE="2/hour",
        THROTTLE_GUEST_RATE="3/hour",
        THROTTLE_ORDER_RATE="4/hour",
        THROTTLE_API_KEY_RATE="30/s",
        TIME_ZONE="Europe/Athens",
    )

    assert values[0] == {
        "anon": "5/min",
        "user": None,
        "login": "3/min",
        "login_username": "7/hour",
        "signup": "2/hour",
        "guest": "3/hour",
        "order": "4/hour",
        "api_key": "30/s",
    }
    assert values[1] == "Europe/Athens"


def test_redis_url_switches_caches_and_sessions_to_redis():
    values = read_settings(
        "config.settings.dev",
        "[s.CACHES['default']['BACKEND'], s.CACHES['throttle']['BACKEND'], s.SESSION_ENGINE]",
        REDIS_URL="redis://127.0.0.1:6399/0",
    )

    assert values == [
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_default_database_is_sqlite_under_var_tuned_for_concurrent_writers(tmp_path):
    values = read_settings(
        "config.settings.dev",
        "[s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.DATABASES['default']['OPTIONS']['transaction_mode'], s.DATABASES['default']['OPTIONS']['timeout']]",
    )
    assert values == ["django.db.backends.sqlite3", str(ROOT / "var" / "db.sqlite3"), "IMMEDIATE", 20]

    # Django's own backend applies them to every connection it opens.
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "print([c.execute(f'PRAGMA {name}').fetchone()[0] "
        "for name in ('journal_mode', 'synchronous', 'foreign_keys', 'busy_timeout')])"
    )
    result = run(["-c", code], "config.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.stdout.strip() == "['wal', 1, 1, 20000]", result.stderr  # synchronous 1 is NORMAL


@pytest.mark.parametrize("url", ["postgresql://u:p@db.internal:5432/littlelemon"])
def test_database_url_selects_postgresql_with_persistent_checked_connections(url):
    values = read_settings(
        "config.settings.dev",
        "[s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.DATABASES['default']['CONN_MAX_AGE'], "
        "s.DATABASES['default']['CONN_HEALTH_CHECKS']]",
        DATABASE_URL=url,
    )

    assert values == ["django.db.backends.postgresql", "db.internal", 60, True]


def test_security_settings_come_from_the_environment():
    values = read_settings(
        "config.settings.prod",
        "[s.CORS_ALLOWED_ORIGINS, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), "
        "s.AXES_LOCKOUT_PARAMETERS, s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.UPLOAD_MAX_BYTES, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], s.CACHES['throttle']]",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="example.com",
        CORS_ALLOWED_ORIGINS="https://app.example.com,https://kiosk.example.com",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_MINUTES="60",
        LOGIN_LOCKOUT_BY="username,ip_address",
        DATA_UPLOAD_MAX_MEMORY_SIZE="65536",
        UPLOAD_MAX_BYTES="2097152",
        CSP_IMG_SRC="https://cdn.example.com",
        THROTTLE_CACHE_MAX_ENTRIES="5000",
    )

    assert values == [
        ["https://app.example.com", "https://kiosk.example.com"],
        3,
        3600.0,
        ["username", "ip_address"],
        65536,
        2097152,
        ["'self'", "data:", "https://cdn.example.com"],
        {
            "BACKEND": "littlelemon.core.cache.UpsertDatabaseCache",
            "LOCATION": "throttle_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    ]


def test_production_security_defaults():
    values = read_settings(
        "config.settings.prod",
        "[s.CORS_ALLOWED_ORIGINS, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), "
        "s.AXES_LOCKOUT_PARAMETERS, s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.SECURE_CONTENT_TYPE_NOSNIFF, "
        "s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.SECURE_HSTS_INCLUDE_SUBDOMAINS]",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="example.com",
    )

    assert values == [[], 5, 900.0, [["username", "ip_address"]], 1048576, True, "DENY", "same-origin", True]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("THROTTLE_ANON_RATE", "lots", "THROTTLE_ANON_RATE='lots': use <number>/<s|min|hour|day>"),
        ("LOGIN_LOCKOUT_BY", "username+password", "LOGIN_LOCKOUT_BY: use ip_address, user_agent, username"),
    ],
)
def test_a_malformed_security_setting_stops_the_process_at_start_up(variable, value, message):
    result = run(
        ["manage.py", "check"],
        "config.settings.prod",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="example.com",
        **{variable: value},
    )

    assert result.returncode != 0
    assert message in result.stderr
