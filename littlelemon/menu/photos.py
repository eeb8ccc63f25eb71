"""A dish's photo: checked to be an image (Pillow decodes it), size-limited, and re-encoded.

An upload is never stored as sent: it is decoded, turned upright (EXIF orientation), shrunk to
fit the largest size the site shows (the dish page; the menu's cards show the same file
smaller) and written again as a progressive JPEG without its metadata (no camera GPS). The file
goes through Django's default storage (`MenuItem.image`), so S3 works as the local disk does.
"""

import secrets
import warnings
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import InvalidPhoto

# The dish page shows the photo up to this wide (the cards: a third of it, from the same file).
PHOTO_MAX_SIZE = (1200, 1200)
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
PHOTO_QUALITY = 82
# An image of more pixels than this is refused before it is decoded (a "decompression bomb").
PHOTO_MAX_PIXELS = 40_000_000


def photo_max_bytes() -> int:
    return settings.MENU_PHOTO_MAX_BYTES


def _size_label(size: int) -> str:
    """ "5 MB", "1.5 MB", "300 KB", "1000 bytes"."""
    for unit, label in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{size / unit:.1f}".removesuffix(".0") + f" {label}"
    return f"{size} bytes"


def photo_process(upload, *, slug: str) -> ContentFile:
    """The upload re-encoded as a JPEG of at most PHOTO_MAX_SIZE, named after the dish.

    Raises InvalidPhoto (field `image`) when it is too big, not an image Pillow reads, not one
    of PHOTO_FORMATS, or larger than PHOTO_MAX_PIXELS."""
    limit = photo_max_bytes()
    if upload.size is None or upload.size > limit:
        raise InvalidPhoto(
            f"The photo is {_size_label(upload.size or 0)}; at most {_size_label(limit)} is accepted.", field="image"
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in PHOTO_FORMATS:
                    raise InvalidPhoto(field="image")
                if image.width * image.height > PHOTO_MAX_PIXELS:
                    raise InvalidPhoto("The photo has too many pixels: at most 40 megapixels.", field="image")
                image.load()
                picture = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise InvalidPhoto(
            "This file is not an image we can read: upload a JPEG, PNG, WebP or GIF photo.", field="image"
        ) from None
    if picture.mode != "RGB":
        picture = _on_white(picture)
    picture.thumbnail(PHOTO_MAX_SIZE, Image.Resampling.LANCZOS)
    out = BytesIO()
    picture.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=f"{slug[:80] or 'dish'}-{secrets.token_hex(4)}.jpg")


def _on_white(picture: Image.Image) -> Image.Image:
    """An image with transparency (or a palette) flattened onto white, as RGB."""
    rgba = picture.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
