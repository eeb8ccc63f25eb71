# Proof of delivery (issue 16). Numbered 0005: another branch adds 0004; whoever merges both
# points this one's dependency at 0004.

import django.db.models.deletion
import django.utils.timezone
import littlelemon.orders.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_orderevent_estimate_changed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DeliveryProof",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("recipient_name", models.CharField(max_length=100)),
                (
                    "photo",
                    models.ImageField(
                        blank=True,
                        help_text="Re-encoded on upload (JPEG, at most 1600 px, no metadata such as GPS).",
                        upload_to=littlelemon.orders.models.delivery_proof_photo_path,
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "delivered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "order",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="delivery_proof", to="orders.order"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("recipient_name", ""), _negated=True), name="delivery_proof_has_recipient"
                    )
                ],
            },
        ),
    ]
