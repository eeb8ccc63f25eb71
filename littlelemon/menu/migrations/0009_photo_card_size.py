"""A dish photo's card size (menu.photos): one nullable column without a database default, which
SQLite adds in place (ALTER TABLE ADD COLUMN), keeping menu_menuitem's version-stamp triggers.
Photos stored before it have none: the cards show their full file."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('menu', '0008_options_and_combos'),
    ]

    operations = [
        migrations.AddField(
            model_name='menuitem',
            name='image_card',
            field=models.ImageField(blank=True, editable=False, null=True, upload_to='menu/'),
        ),
    ]
