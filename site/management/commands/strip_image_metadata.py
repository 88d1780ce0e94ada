from django.core.management.base import BaseCommand
from wagtail.images import get_image_model

from district.images import image_strip_metadata


class Command(BaseCommand):
    help = (
        "Rewrite stored images without EXIF (GPS, device, owner), keeping their "
        "orientation, and drop their renditions. New uploads are cleaned on save; "
        "run this once for images stored before."
    )

    def handle(self, *args, **options):
        cleaned = total = 0
        for image in get_image_model().objects.order_by("pk").iterator():
            total += 1
            cleaned += image_strip_metadata(image=image)
        self.stdout.write(f"Cleaned {cleaned} of {total} images.")
