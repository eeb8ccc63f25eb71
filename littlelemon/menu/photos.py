"""A dish's photo: checked to be an image (Pillow decodes it), size-limited, and re-encoded.

An upload is never stored as sent: it is decoded, turned upright (EXIF orientation) and written
again, in the two sizes the site shows, as progressive JPEGs without metadata (no camera GPS):

- the full one (`MenuItem.image`, `<slug>-<random>.jpg`): at most PHOTO_MAX_SIZE, the dish page's
  photo (at most 38rem, 608 CSS px, wide: a phone's single column; about 2x of that);
- the card one (`MenuItem.image_card`, `<slug>-<random>-card.jpg`): at most PHOTO_CARD_SIZE, for
  the menu's, the home page's and the recommendations' cards. A card is at most 35rem (560 CSS
  px) wide: one column of `.dish-grid` (static/web/app.css) under 35rem of content, two from
  there. The card file covers every card on a 1x screen and the full one a 2x screen, which
  `srcset="card 1x, full 2x"` says to the browser (templates/web/partials/dish_card_image.html).

Both go through Django's default storage, so S3 works as the local disk does. A photo stored
before the card size existed has no `image_card`: the cards show its full file.
"""

import secrets
import warnings
from io import BytesIO
from typing import NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import InvalidPhoto

# The dish page's size, and the cards' (half of it: the cards' 1x, the full one their 2x).
PHOTO_MAX_SIZE = (1200, 1200)
PHOTO_CARD_SIZE = (600, 600)
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


class Photo(NamedTuple):
    """An upload re-encoded in the two sizes, not yet stored."""

    full: ContentFile
    card: ContentFile


def photo_process(upload, *, slug: str) -> Photo:
    """The upload re-encoded as JPEGs of at most PHOTO_MAX_SIZE and PHOTO_CARD_SIZE, named after
    the dish (the card's name is the full one's with `-card` before `.jpg`).

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
    card = picture.copy()
    card.thumbnail(PHOTO_CARD_SIZE, Image.Resampling.LANCZOS)
    stem = f"{slug[:80] or 'dish'}-{secrets.token_hex(4)}"
    return Photo(full=_jpeg(picture, f"{stem}.jpg"), card=_jpeg(card, f"{stem}-card.jpg"))


def _jpeg(picture: Image.Image, name: str) -> ContentFile:
    """A progressive JPEG of `picture`, with no metadata (Pillow writes none it is not given)."""
    out = BytesIO()
    picture.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=name)


def _on_white(picture: Image.Image) -> Image.Image:
    """An image with transparency (or a palette) flattened onto white, as RGB."""
    rgba = picture.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
