"""Photos never publish where they were taken: EXIF is stripped on every way in, orientation kept."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags
from PIL import Image as PILImage
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db
Image = get_image_model()

ORIENTATION = ExifTags.Base.Orientation
ROTATE_90 = 6  # "rotate 90° clockwise to display": a portrait photo from a phone
OWNER = "Hong Gildong"
DEVICE = "Phonemaker Model X"


def photo_with_gps() -> bytes:
    """A JPEG as a phone writes it: GPS position, device, owner and orientation."""
    exif = PILImage.Exif()
    exif[ORIENTATION] = ROTATE_90
    exif[ExifTags.Base.Make] = DEVICE
    exif[ExifTags.Base.Artist] = OWNER
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (37.0, 30.0, 4.2)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (127.0, 2.0, 9.1)
    buffer = BytesIO()
    PILImage.new("RGB", (64, 32), (200, 40, 40)).save(
        buffer, "JPEG", exif=exif, comment=b"taken at home"
    )
    data = buffer.getvalue()
    assert _gps(data) and OWNER.encode() in data  # the fixture really carries it
    return data


def _gps(data: bytes) -> dict:
    with PILImage.open(BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def assert_clean(data: bytes) -> None:
    assert _gps(data) == {}
    assert OWNER.encode() not in data and DEVICE.encode() not in data
    assert b"taken at home" not in data
    with PILImage.open(BytesIO(data)) as image:
        assert dict(image.getexif()) == {ORIENTATION: ROTATE_90}
        assert image.size == (64, 32)


def stored(image) -> bytes:
    image.refresh_from_db()
    with image.open_file() as f:
        data = f.read()
    assert image.file_size in (None, len(data))  # None: Wagtail measures it later
    return data


def test_an_image_created_in_code_is_stored_without_gps_owner_or_device(district):
    image = Image.objects.create(
        title="현장 사진",
        collection=district[0].collection,
        file=ImageFile(BytesIO(photo_with_gps()), name="site.jpg"),
    )
    data = stored(image)
    assert_clean(data)
    assert image.width == 64 and image.height == 32
    rendition = image.get_rendition("width-40")
    with rendition.file.open("rb") as f:
        rendered = f.read()
    assert _gps(rendered) == {} and OWNER.encode() not in rendered


def test_an_image_whose_file_was_stored_before_the_row_is_cleaned_too(district):
    """As Wagtail's multiple upload does: the file goes to storage first, then the image is saved."""
    image = Image(title="먼저 저장된 파일", collection=district[0].collection)
    image.file.save("first.jpg", ImageFile(BytesIO(photo_with_gps())), save=False)
    image.width, image.height = 64, 32
    image.save()
    assert_clean(stored(image))


def test_an_image_without_metadata_is_stored_byte_for_byte(district):
    buffer = BytesIO()
    PILImage.new("RGB", (20, 20), (0, 120, 0)).save(buffer, "PNG")
    image = Image.objects.create(
        title="깨끗한 사진",
        collection=district[0].collection,
        file=ImageFile(BytesIO(buffer.getvalue()), name="clean.png"),
    )
    assert stored(image) == buffer.getvalue()


@pytest.fixture
def leader_client(district, make_user):
    client = Client()
    client.force_login(make_user(groups=[district[0].leaders_group]))
    return client


def test_the_admin_upload_form_strips_gps(district, leader_client):
    response = leader_client.post(
        "/admin/images/add/",
        {
            "title": "관리자 업로드",
            "collection": str(district[0].collection_id),
            "file": SimpleUploadedFile("upload.jpg", photo_with_gps(), "image/jpeg"),
        },
    )
    assert response.status_code == 302, response.content[:300]
    assert_clean(stored(Image.objects.get(title="관리자 업로드")))


def test_the_admin_multiple_upload_strips_gps(district, leader_client):
    response = leader_client.post(
        "/admin/images/multiple/add/",
        {
            "collection": str(district[0].collection_id),
            "files[]": SimpleUploadedFile("many.jpg", photo_with_gps(), "image/jpeg"),
        },
    )
    assert response.status_code == 200 and response.json()["success"]
    assert_clean(stored(Image.objects.get(pk=response.json()["image_id"])))


def test_replacing_an_images_file_in_the_admin_strips_gps(district, make_user):
    client = Client()
    client.force_login(make_user(groups=[Group.objects.get(name="District staff")]))
    image = Image.objects.create(
        title="바꿀 사진",
        collection=district[0].collection,
        file=ImageFile(BytesIO(photo_with_gps()), name="old.jpg"),
    )
    response = client.post(
        f"/admin/images/{image.pk}/",
        {
            "title": "바꾼 사진",
            "collection": str(district[0].collection_id),
            "file": SimpleUploadedFile("new.jpg", photo_with_gps(), "image/jpeg"),
        },
    )
    assert response.status_code == 302, response.content[:300]
    assert_clean(stored(image))


def test_the_sign_up_notice_says_photos_lose_their_location(client):
    client.cookies["django_language"] = "en"
    text = client.get("/accounts/signup/").content.decode()
    assert "Photos uploaded to the site are stored without their location" in text


def test_images_stored_before_are_cleaned_by_the_command_renditions_included(
    district,
):
    import io

    from django.core.management import call_command

    image = Image.objects.create(
        title="예전 사진",
        collection=district[0].collection,
        file=ImageFile(BytesIO(photo_with_gps()), name="old-upload.jpg"),
    )
    # As it was stored before cleaning existed: the phone's file, and a rendition of it.
    storage, name = image.file.storage, image.file.name
    storage.delete(name)
    storage.save(name, ContentFile(photo_with_gps()))
    old_rendition = image.get_rendition("width-40")

    out = io.StringIO()
    call_command("strip_image_metadata", stdout=out)
    assert "Cleaned 1 of" in out.getvalue()
    assert_clean(stored(image))
    assert not image.renditions.filter(pk=old_rendition.pk).exists()
    with image.get_rendition("width-40").file.open("rb") as f:
        assert _gps(f.read()) == {}
