"""Daily portions on dishes (three nullable columns: SQLite adds them in place, keeping the
version-stamp triggers of menu_menuitem) and availability windows, whose writes bump the `menu`
stamp like the dishes' (triggers made as core migration 0001 makes its own)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

combination_stamps = importlib.import_module("littlelemon.bookings.migrations.0005_combination_stamps")
stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")

# Numbered after the last stamp migration's (bookings 0005, after core 0003), so that trigger
# names stay unique and the numbers contiguous.
FIRST = combination_stamps.FIRST + len(combination_stamps.SPECS)
SPECS = (("menu_availabilitywindow", ("'menu'",), None),)


class Migration(migrations.Migration):

    dependencies = [
        ('menu', '0006_hidden_and_archived'),
        ('core', '0003_menu_stamp'),
    ]

    operations = [
        migrations.AddField(
            model_name='menuitem',
            name='daily_portions',
            field=models.PositiveIntegerField(blank=True, help_text='Portions the kitchen sells a day; empty for no limit.', null=True),
        ),
        migrations.AddField(
            model_name='menuitem',
            name='portions_date',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='menuitem',
            name='portions_left',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name='AvailabilityWindow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')])),
                ('starts', models.TimeField(help_text='Local time, included.')),
                ('ends', models.TimeField(help_text='Local time, excluded; after the start (23:59 at the latest).')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='availability_windows', to='menu.category')),
                ('menuitem', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='availability_windows', to='menu.menuitem')),
            ],
            options={
                'ordering': ['weekday', 'starts', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('category__isnull', True), ('menuitem__isnull', False)), models.Q(('category__isnull', False), ('menuitem__isnull', True)), _connector='OR'), name='menu_window_dish_or_category'), models.CheckConstraint(condition=models.Q(('ends__gt', models.F('starts'))), name='menu_window_ends_after_start'), models.CheckConstraint(condition=models.Q(('weekday__lte', 6)), name='menu_window_weekday_range')],
            },
        ),
        stamp_triggers.triggers_operation(SPECS, FIRST),
    ]
