"""Give the `restaurant` stamp a value on databases whose settings, hours and closures were never
written since the triggers came (a fresh install: the settings row predates them).

Whatever is built on that stamp then finds one from the start, not only after the first write.
"""

import secrets

from django.db import migrations


def stamp_restaurant(apps, schema_editor):
    DataVersion = apps.get_model("core", "DataVersion")
    DataVersion.objects.get_or_create(name="restaurant", defaults={"stamp": secrets.randbits(62)})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_data_versions")]

    operations = [migrations.RunPython(stamp_restaurant, migrations.RunPython.noop)]
