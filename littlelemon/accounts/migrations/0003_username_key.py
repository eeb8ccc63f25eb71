"""Usernames unique after normalisation, case folding and look-alike letters (username_key).

The key is computed in Python for every existing user. Users whose names already collide
cannot both keep them: the migration stops, naming every group, and changes nothing. Rename
all but one of each group (in the admin, or `User.objects.filter(pk=...).update(username=...)`
in `manage.py shell`) and run `migrate` again.
"""

from collections import defaultdict

import django.db.models
import django.db.models.expressions
from django.db import migrations

import littlelemon.accounts.models
from littlelemon.accounts.usernames import username_key


class UsernameClash(Exception):
    pass


def fill_username_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = User.objects.using(schema_editor.connection.alias).only("id", "username").order_by("id")
    groups = defaultdict(list)
    for user in users.iterator(chunk_size=2000):
        user.username_key = username_key(user.username)
        groups[user.username_key].append(user)
    clashes = [group for group in groups.values() if len(group) > 1]
    if clashes:
        listed = "\n".join(
            "  " + ", ".join(f"{user.username!r} (id {user.pk})" for user in group) for group in clashes
        )
        raise UsernameClash(
            f"{len(clashes)} group(s) of existing usernames are the same name once normalised, case-folded "
            f"and with look-alike letters replaced:\n{listed}\n"
            "Rename all but one user of each group (the admin, or manage.py shell), then run migrate again. "
            "Nothing was changed."
        )
    for group in groups.values():
        User.objects.using(schema_editor.connection.alias).filter(pk=group[0].pk).update(
            username_key=group[0].username_key
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=littlelemon.accounts.models.UsernameKeyField(editable=False, max_length=600, null=True),
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=django.db.models.UniqueConstraint(
                django.db.models.expressions.F("username_key"), name="accounts_user_username_key_unique"
            ),
        ),
    ]
