"""Proof of delivery: marking an order delivered with the name of who took it at the door, and
optionally a photo.

`order_deliver` is `transitions.order_status_change(status="delivered")` (the same rule: the
assigned driver or a manager, from out for delivery) plus a `DeliveryProof`, in one
transaction. A photo is checked and re-encoded before anything is written: it must be a real
image (Pillow reads it) of at most MAX_PHOTO_BYTES; it is stored as a JPEG of at most
MAX_PHOTO_SIDE pixels a side, without the camera's metadata (EXIF: GPS position, device, time),
turned the way the camera meant, under a random name in Django's default storage (S3 in
production). Who may see it: `delivery_proof_photo_get`.
"""

import io
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from littlelemon.accounts.models import User
from littlelemon.accounts.permissions import is_integration, is_manager_for
from littlelemon.apikeys.scopes import ORDERS_READ

from .enums import OrderStatus
from .exceptions import InvalidProof, OrderNotFound
from .models import DeliveryProof, Order
from .transitions import order_status_change

RECIPIENT_NAME_MAX_LENGTH = 100  # DeliveryProof.recipient_name
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_SIDE = 1600
# A small file can still decode into a huge picture (a "decompression bomb"): refuse more pixels
# than any phone camera takes before decoding them.
MAX_PHOTO_PIXELS = 50_000_000
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # JPEG includes MPO, which some phone cameras write
JPEG_QUALITY = 82


def recipient_name_clean(name: Any) -> str:
    """The recipient's name trimmed, 1 to 100 printable characters. Raises InvalidProof."""
    name = " ".join(str(name or "").split())  # trimmed, and no line breaks or tabs inside
    if not name:
        raise InvalidProof("Enter the name of the person who took the order.", field="recipient_name")
    if len(name) > RECIPIENT_NAME_MAX_LENGTH:
        raise InvalidProof(
            f"The recipient's name has at most {RECIPIENT_NAME_MAX_LENGTH} characters.", field="recipient_name"
        )
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in name):
        raise InvalidProof("The recipient's name has characters nobody types.", field="recipient_name")
    return name


def proof_photo_jpeg(photo: Any) -> bytes:
    """The uploaded `photo` (a file) as the JPEG that is stored: at most MAX_PHOTO_SIDE px a
    side, upright, RGB, no metadata. Raises InvalidProof (too large, or not an image)."""
    size = getattr(photo, "size", None)
    if size is None or size > MAX_PHOTO_BYTES:
        raise InvalidProof(f"A photo is at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB.", field="photo")
    not_an_image = InvalidProof("The photo is not an image this server can read (take a JPEG or PNG).", field="photo")
    try:
        photo.seek(0)
        with Image.open(photo, formats=PHOTO_FORMATS) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise InvalidProof("The photo has too many pixels.", field="photo")
            image.verify()  # the file's structure, without decoding it all
        photo.seek(0)
        with Image.open(photo, formats=PHOTO_FORMATS) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)  # a new image: the EXIF stays behind
            upright.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE), Image.Resampling.LANCZOS)
            if upright.mode != "RGB":
                upright = _on_white(upright)
            out = io.BytesIO()
            upright.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif= : none written
    except InvalidProof:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    return out.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """An RGB copy; transparent parts (a PNG's, a GIF's) on white, not black."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def order_deliver(*, order: Order | int, actor: User, recipient_name: str, photo: Any = None) -> Order:
    """Mark an order delivered, with who took it at the door and optionally a photo.

    Validates the name and the photo first (nothing is written if either is refused), then in
    one transaction: `order_status_change(status="delivered")` (which locks the order row,
    checks the lifecycle: the assigned driver or a manager, from out for delivery, and writes
    the OrderEvent, audit entry and `order.status_changed`) and the DeliveryProof. The photo is
    put in storage last, and deleted again if the transaction does not commit here (an outer
    transaction that rolls back later leaves it behind, unreferenced).

    Raises InvalidProof (400: no or too long a name; a photo too large or not an image), and
    whatever `order_status_change` raises (InvalidTransition 409, TransitionForbidden 403,
    OrderNotFound 404).
    """
    name = recipient_name_clean(recipient_name)
    jpeg = proof_photo_jpeg(photo) if photo else None
    stored: list[str] = []
    try:
        with transaction.atomic():
            order = order_status_change(order=order, actor=actor, status=OrderStatus.DELIVERED)
            proof = DeliveryProof(
                order=order,
                recipient_name=name,
                delivered_by=None if is_integration(actor) else actor,
                at=order.finished_at,
            )
            if jpeg is not None:
                proof.photo.save("proof.jpg", ContentFile(jpeg), save=False)
                stored.append(proof.photo.name)
            proof.save()
    except BaseException:
        for path in stored:
            default_storage.delete(path)
        raise
    return order


def delivery_proof_photo_get(*, user: Any, order_id: int) -> DeliveryProof:
    """The proof of delivery of an order, for showing its photo: to managers (and integrations
    that read orders), and to the driver who delivered it. Raises OrderNotFound (404) for
    anyone else, or when there is no photo (one query)."""
    proofs = DeliveryProof.objects.filter(order_id=order_id).exclude(photo="")
    if not (user and user.is_authenticated):
        raise OrderNotFound()
    if not is_manager_for(user, ORDERS_READ):
        if is_integration(user) or not user.is_delivery_crew:
            raise OrderNotFound()
        proofs = proofs.filter(delivered_by=user)
    proof = proofs.first()
    if proof is None:
        raise OrderNotFound()
    return proof
