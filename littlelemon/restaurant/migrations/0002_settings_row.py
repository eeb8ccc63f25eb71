from django.db import migrations


def create_settings_row(apps, schema_editor):
    apps.get_model("restaurant", "RestaurantSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("restaurant", "0001_initial")]

    operations = [migrations.RunPython(create_settings_row, migrations.RunPython.noop)]
