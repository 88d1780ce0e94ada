"""Photos lose their EXIF (GPS position, device, owner) before they are stored.

Phones write where and with what a photo was taken, and often the owner's
name, into the file. Wagtail keeps all of it in the original, which the site
serves and the public API links, and in renditions. Every image is cleaned
on its way into storage, whichever way it comes: the admin's upload form, the
multiple-upload view (which stores the file before the image row), or code.
All of these end in one `save()` of the image model, so one `pre_save`
receiver on that model (`strip_on_save`, connected in `district.apps`) covers
them; no custom image model is needed.

What stays: the pixels and the orientation tag (so a portrait photo still
stands up: Wagtail applies the tag to renditions, browsers to the original),
the colour profile and the resolution. What goes: every other EXIF tag (GPS,
maker, model, serial numbers, artist, dates), XMP, IPTC/Photoshop blocks and
comments. A JPEG is re-encoded with its own quantisation tables (Pillow's
`quality="keep"`), so it does not lose quality; WebP and AVIF with metadata are
re-encoded at quality 90; PNG is lossless. A file without such metadata is
stored byte for byte. GIF (which has no EXIF) is left as it is.

Images stored before this existed are cleaned by `image_strip_metadata`
(`manage.py strip_image_metadata`), which also drops their renditions so they
are made again from the clean original.
"""

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import ExifTags, Image
from wagtail.utils.file import hash_filelike

ORIENTATION = ExifTags.Base.Orientation
# Formats Pillow reads -> how the cleaned file is written.
CLEANED_FORMATS = {
    "JPEG": "JPEG",
    "MPO": "JPEG",  # phones' multi-picture JPEGs: the main picture is kept
    "PNG": "PNG",
    "WEBP": "WEBP",
    "AVIF": "AVIF",
}
METADATA_INFO_KEYS = (
    "xmp",
    "XML:com.adobe.xmp",
    "comment",
    "photoshop",
    "Raw profile type exif",
)


def _has_metadata(image: Image.Image) -> bool:
    exif = image.getexif()
    if any(tag != ORIENTATION for tag in exif) or exif.get_ifd(ExifTags.IFD.GPSInfo):
        return True
    if any(image.info.get(key) for key in METADATA_INFO_KEYS):
        return True
    return bool(getattr(image, "text", None))  # PNG text chunks (author, etc.)


def stripped_image_bytes(data: bytes) -> bytes | None:
    """`data` without metadata but with its orientation, or None if there was nothing to strip."""
    try:
        image = Image.open(BytesIO(data))
        image_format = image.format
        if image_format not in CLEANED_FORMATS or not _has_metadata(image):
            return None
        kept = Image.Exif()
        orientation = image.getexif().get(ORIENTATION)
        if orientation:
            kept[ORIENTATION] = orientation
        params = {"exif": kept.tobytes() if orientation else b""}
        if image.info.get("icc_profile"):
            params["icc_profile"] = image.info["icc_profile"]
        if image.info.get("dpi"):
            params["dpi"] = image.info["dpi"]
        target = CLEANED_FORMATS[image_format]
        if target == "JPEG":
            params.update(quality="keep", comment=b"")
            if image.info.get("progressive"):
                params["progressive"] = True
        elif target in ("WEBP", "AVIF"):
            params["quality"] = 90
            if getattr(image, "n_frames", 1) > 1:
                params["save_all"] = True
        out = BytesIO()
        image.save(out, target, **params)
    except (OSError, ValueError, SyntaxError):
        return None  # not an image Pillow can rewrite: Wagtail's own validation decides
    return out.getvalue()


def strip_on_save(sender, instance, raw: bool = False, update_fields=None, **kwargs):
    """`pre_save` of the image model: store the file without its metadata.

    Runs when the image is new or its file is being replaced (a file not yet
    committed to storage); a save of other fields does not read the file.
    Keeps Wagtail's `file_size` and `file_hash` true to the stored bytes.
    """
    field_file = instance.file
    if raw or not field_file:
        return
    if update_fields is not None and "file" not in update_fields:
        return
    committed = field_file._committed
    if committed and not instance._state.adding:
        return
    field_file.open("rb")
    field_file.seek(0)
    data = field_file.read()
    field_file.seek(0)
    clean = stripped_image_bytes(data)
    if clean is None:
        return
    if committed:
        # Already written by the caller (Wagtail's multiple upload): rewrite it.
        _rewrite(field_file, clean)
    else:
        instance.file = ContentFile(clean, name=field_file.name)
    instance.file_size = len(clean)
    instance.file_hash = hash_filelike(BytesIO(clean))


def _rewrite(field_file, clean: bytes) -> None:
    storage, name = field_file.storage, field_file.name
    storage.delete(name)
    field_file.name = storage.save(name, ContentFile(clean))


def image_strip_metadata(*, image) -> bool:
    """Rewrite a stored image without its metadata and drop its renditions; False if it had none."""
    with image.open_file() as f:
        clean = stripped_image_bytes(f.read())
    if clean is None:
        return False
    _rewrite(image.file, clean)
    image.file_size = len(clean)
    image.file_hash = hash_filelike(BytesIO(clean))
    image.save(update_fields=["file", "file_size", "file_hash"])
    image.renditions.all().delete()
    return True


def connect() -> None:
    from django.db.models.signals import pre_save
    from wagtail.images import get_image_model

    pre_save.connect(
        strip_on_save,
        sender=get_image_model(),
        dispatch_uid="district.images.strip_metadata",
    )
