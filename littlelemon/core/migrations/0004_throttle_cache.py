"""The table of the `throttle` cache (Django's DatabaseCache, LOCATION `throttle_cache`): the
store the throttles and log-in limits share across server processes when REDIS_URL is not set.

It is created by every `migrate` (make migrate, the tests, CI, a release's migration job), also
where Redis is configured (it then stays empty), so that switching a site from Redis to the
database needs no extra step. The columns are those `createcachetable` creates; no model stands
for the table (the cache reads and writes it itself).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0003_menu_stamp")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.CreateModel(
                    name="ThrottleCacheEntry",
                    fields=[
                        ("cache_key", models.CharField(max_length=255, primary_key=True, serialize=False)),
                        ("value", models.TextField()),
                        ("expires", models.DateTimeField(db_index=True)),
                    ],
                    options={"db_table": "throttle_cache", "managed": True},
                ),
            ],
            state_operations=[],
        ),
    ]
