"""Image files for the image tests, made with Pillow on the spot (none are committed; no tests here)."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (31.0, 14.0, 9.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (121.0, 28.0, 30.0),
}


def image_bytes(kind="JPEG", size=(800, 450), color=(180, 40, 40), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, kind, **options)
    return buffer.getvalue()


def jpeg_with_gps(size=(1200, 800), orientation=None):
    """A photo as a phone writes it: camera make, GPS position, maybe a rotation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R5"
    exif[ExifTags.Base.GPSInfo] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    return image_bytes("JPEG", size, exif=exif, comment=b"shot at home")


def png_claiming(width, height):
    """A small PNG whose header claims ``width`` × ``height``: a decompression bomb."""
    data = image_bytes("PNG", (1, 1), mode="L", color=0)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    start = 8  # after the signature
    return data[:start] + patched + data[start + 8 + 13 + 4 :]


def animated_gif(frames=3, size=(60, 40)):
    pictures = [Image.new("RGB", size, (40 * i % 255, 80, 160)) for i in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "GIF", save_all=True, append_images=pictures[1:], duration=100, loop=0, comment=b"x")
    return buffer.getvalue()


HTML_PAGE = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def read(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
