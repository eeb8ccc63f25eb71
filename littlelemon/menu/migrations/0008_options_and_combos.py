"""Option groups and choices (shared by dishes), combos and their slots."""

import importlib

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models

stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")


def menuitem_triggers_reinstall(apps, schema_editor):
    """The column additions rebuild menu_menuitem on SQLite, which drops its version-stamp triggers."""
    stamp_triggers.reinstall_on_sqlite(schema_editor, {"menu_menuitem"})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_menu_stamp"),
        ('menu', '0007_portions_and_windows'),
    ]

    operations = [
        migrations.AddField(
            model_name='menuitem',
            name='is_combo',
            field=models.BooleanField(default=False, help_text='A meal deal: sold at its price, the customer fills each of its slots with a dish.'),
        ),
        migrations.CreateModel(
            name='ComboSlot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80)),
                ('position', models.PositiveIntegerField(default=0)),
                ('combo', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='slots', to='menu.menuitem')),
            ],
            options={
                'ordering': ['position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='OptionGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True)),
                ('name', models.CharField(help_text='What the customer sees, e.g. "Size" or "Extras".', max_length=80)),
                ('min_choices', models.PositiveSmallIntegerField(default=0, help_text='0: optional; 1 or more: required.')),
                ('max_choices', models.PositiveSmallIntegerField(default=1, help_text='1: pick one (radio buttons).')),
                ('position', models.PositiveIntegerField(default=0, help_text='Lower comes first on the dish.')),
            ],
            options={
                'ordering': ['position', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('max_choices__gte', 1), ('max_choices__gte', models.F('min_choices'))), name='option_group_min_max_valid')],
            },
        ),
        migrations.CreateModel(
            name='MenuItemOptionGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(default=0)),
                ('menuitem', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='option_links', to='menu.menuitem')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='menuitem_links', to='menu.optiongroup')),
            ],
            options={
                'verbose_name': 'option group of a dish',
                'ordering': ['position', 'id'],
            },
        ),
        migrations.AddField(
            model_name='menuitem',
            name='option_groups',
            field=models.ManyToManyField(blank=True, related_name='menuitems', through='menu.MenuItemOptionGroup', to='menu.optiongroup'),
        ),
        migrations.CreateModel(
            name='ComboSlotOption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('supplement', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=7, validators=[django.core.validators.MinValueValidator(Decimal('0.00')), django.core.validators.MaxValueValidator(Decimal('999.99'))])),
                ('position', models.PositiveIntegerField(default=0)),
                ('menuitem', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='menu.menuitem')),
                ('slot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='options', to='menu.comboslot')),
            ],
            options={
                'ordering': ['position', 'id'],
                'constraints': [models.UniqueConstraint(fields=('slot', 'menuitem'), name='menu_combo_slot_option_unique'), models.CheckConstraint(condition=models.Q(('supplement__gte', 0), ('supplement__lte', Decimal('999.99'))), name='combo_slot_supplement_range')],
            },
        ),
        migrations.CreateModel(
            name='OptionChoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated', models.DateTimeField(auto_now=True)),
                ('name', models.CharField(max_length=80)),
                ('price_delta', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=7, validators=[django.core.validators.MinValueValidator(Decimal('-999.99')), django.core.validators.MaxValueValidator(Decimal('999.99'))])),
                ('available', models.BooleanField(default=True, help_text='Untick when the kitchen runs out of it.')),
                ('position', models.PositiveIntegerField(default=0)),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='menu.optiongroup')),
            ],
            options={
                'ordering': ['position', 'id'],
                'indexes': [models.Index(fields=['group', 'position', 'id'], name='menu_option_choice_group_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('price_delta__gte', Decimal('-999.99')), ('price_delta__lte', Decimal('999.99'))), name='option_choice_delta_range')],
            },
        ),
        migrations.AddConstraint(
            model_name='menuitemoptiongroup',
            constraint=models.UniqueConstraint(fields=('menuitem', 'group'), name='menu_item_option_group_unique'),
        ),
        migrations.RunPython(menuitem_triggers_reinstall, migrations.RunPython.noop),
    ]
