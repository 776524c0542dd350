"""Media storage chosen from the environment: the local disk, or S3-compatible
object storage (django-storages) checked against a fake S3 (moto)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage, storages
from PIL import Image

BASE_DIR = Path(settings.BASE_DIR)
S3_BACKEND = "storages.backends.s3.S3Storage"
# Fake credentials: nothing here may reach a real account.
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def run(code_or_args, **env):
    """Run manage.py (a list) or Python code (a str) with exactly ``env`` on top of a bare environment."""
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    if isinstance(code_or_args, list):
        args = [sys.executable, "manage.py", *code_or_args]
    else:
        args = [sys.executable, "-c", code_or_args]
    return subprocess.run(args, cwd=BASE_DIR, env={**base, "SECRET_KEY": "x", **env}, capture_output=True,
                          text=True, timeout=120)


SETUP = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
"""

SHOW_STORAGE = SETUP + """
from django.core.files.storage import storages
storage = storages["default"]
shown = {"backend": settings.STORAGES["default"]["BACKEND"], "class": type(storage).__name__,
         "static": settings.STORAGES["staticfiles"]["BACKEND"], "media_url": settings.MEDIA_URL,
         "serve_media": settings.SERVE_MEDIA}
for option in ("bucket_name", "endpoint_url", "region_name", "custom_domain", "default_acl",
               "querystring_auth", "file_overwrite", "object_parameters"):
    shown[option] = getattr(storage, option, None)
from articles.images.store import media_name
url = storage.url("images/2026/上海 外滩.jpg")
shown["url"], shown["media_name"] = url, media_name(url)
print(json.dumps(shown))
"""


def show_storage(**env):
    result = run(SHOW_STORAGE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_media_stays_on_the_local_disk_by_default(tmp_path):
    shown = show_storage(MEDIA_ROOT=str(tmp_path), CACHE_DIR=str(tmp_path))
    assert shown["backend"] == "django.core.files.storage.FileSystemStorage"
    assert shown["class"] == "FileSystemStorage"
    assert shown["media_url"] == "/media/" and shown["serve_media"] is True
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_media_storage_s3_selects_the_s3_backend_with_the_bucket_given(tmp_path):
    shown = show_storage(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.test/",
        AWS_S3_REGION_NAME="cn-east-1",
        CACHE_DIR=str(tmp_path),
        **FAKE_AWS,
    )
    assert shown["backend"] == S3_BACKEND and shown["class"] == "S3Storage"
    assert shown["bucket_name"] == "newsroom-media"
    assert shown["endpoint_url"] == "https://s3.example.test"
    assert shown["region_name"] == "cn-east-1"
    # Not public by ACL, never overwritten, addresses that do not expire.
    assert shown["default_acl"] is None
    assert shown["file_overwrite"] is False
    assert shown["querystring_auth"] is False
    assert "max-age" in shown["object_parameters"]["CacheControl"]
    # Static files stay with whitenoise; nothing is served from the local disk.
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert shown["serve_media"] is False
    assert shown["media_url"] == "https://s3.example.test/newsroom-media/"


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"AWS_S3_REGION_NAME": "eu-central-1"},
        {"AWS_S3_ADDRESSING_STYLE": "path"},
        {"AWS_S3_ENDPOINT_URL": "https://minio.example.test:9000"},
        {"AWS_S3_ENDPOINT_URL": "https://oss-cn-shanghai.aliyuncs.com", "AWS_S3_ADDRESSING_STYLE": "virtual"},
        {"AWS_S3_CUSTOM_DOMAIN": "media.example.com", "AWS_S3_ENDPOINT_URL": "https://s3.example.test"},
    ],
    ids=["aws", "aws-region", "aws-path", "endpoint", "endpoint-virtual", "custom-domain"],
)
def test_media_url_is_the_storage_address_so_our_images_are_recognised(env, tmp_path):
    shown = show_storage(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="newsroom-media", CACHE_DIR=str(tmp_path),
                         **FAKE_AWS, **env)
    assert shown["url"].startswith(shown["media_url"]), shown
    assert shown["media_name"] == "images/2026/上海 外滩.jpg"
    if "AWS_S3_CUSTOM_DOMAIN" in env:
        assert shown["url"].startswith("https://media.example.com/images/")


def test_public_read_acl_only_when_asked(tmp_path):
    shown = show_storage(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="newsroom-media", AWS_DEFAULT_ACL="public-read",
                         CACHE_DIR=str(tmp_path), **FAKE_AWS)
    assert shown["default_acl"] == "public-read"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "  "}, "AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "gcs"}, "MEDIA_STORAGE"),
    ],
)
def test_incomplete_storage_settings_are_refused_with_one_sentence(env, named, tmp_path):
    result = run(["check"], CACHE_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr


def test_app_server_refuses_to_start_without_the_bucket(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {"PATH": os.environ["PATH"], "SECRET_KEY": "x", "MEDIA_STORAGE": "s3", "CACHE_DIR": str(tmp_path)}
    result = subprocess.run([str(gunicorn), "-c", "python:newsroom.gunicorn", "--check-config"],
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr and "Traceback" not in result.stderr


# Against a fake S3 -----------------------------------------------------------------

ROUND_TRIP = SETUP + """
import boto3
from django.core.files.base import ContentFile
from moto import mock_aws

from articles.health import check_media

with mock_aws():
    client = boto3.client("s3", region_name="us-east-1", endpoint_url=settings.AWS_S3_ENDPOINT_URL)
    client.create_bucket(Bucket="newsroom-media")
    first = default_storage.save("images/note.txt", ContentFile(b"first"))
    second = default_storage.save("images/note.txt", ContentFile(b"second"))
    with default_storage.open(first, "rb") as handle:
        read_back = handle.read()
    health = check_media()
    objects = client.list_objects_v2(Bucket="newsroom-media")["Contents"]
    head = client.head_object(Bucket="newsroom-media", Key=first)
    print(json.dumps({
        "names": [first, second], "read": read_back.decode(), "keys": sorted(o["Key"] for o in objects),
        "cache_control": head.get("CacheControl"), "url": default_storage.url(first),
        "health": health, "exists": default_storage.exists(second),
    }))
"""


def test_files_are_written_to_and_read_from_the_bucket(tmp_path):
    pytest.importorskip("moto")
    endpoint = "https://s3.example.test"
    result = run(ROUND_TRIP, MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="newsroom-media", AWS_S3_ENDPOINT_URL=endpoint,
                 MOTO_S3_CUSTOM_ENDPOINTS=endpoint, CACHE_DIR=str(tmp_path), **FAKE_AWS)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    first, second = shown["names"]
    assert first == "images/note.txt" and second != first  # never overwritten
    assert shown["read"] == "first" and shown["exists"] is True
    assert shown["keys"] == sorted([first, second])  # the health check cleaned up after itself
    assert shown["cache_control"] == "public, max-age=86400"
    assert shown["url"] == f"{endpoint}/newsroom-media/images/note.txt"
    assert shown["health"] == "S3Storage"


@pytest.fixture
def s3_media(settings, monkeypatch):
    """Media storage on a fake S3 (in this process), configured as MEDIA_STORAGE=s3 would."""
    moto = pytest.importorskip("moto")
    for key, value in FAKE_AWS.items():
        monkeypatch.setenv(key, value)
    with moto.mock_aws():
        import boto3

        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="newsroom-media")
        settings.AWS_STORAGE_BUCKET_NAME = "newsroom-media"
        settings.AWS_QUERYSTRING_AUTH = False
        settings.AWS_S3_FILE_OVERWRITE = False
        settings.MEDIA_URL = "https://newsroom-media.s3.amazonaws.com/"
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": S3_BACKEND}}
        yield client


@pytest.mark.django_db
def test_uploaded_images_and_their_renditions_go_to_the_bucket(s3_media):
    from articles.images.store import register_existing
    from articles.models import StoredImage
    from articles.tests.factories import ArticleFactory
    from articles.tests.test_images_files import jpeg_with_gps, upload

    assert type(storages["default"]).__name__ == "S3Storage"
    body_image = f"{settings.MEDIA_URL}images/chart.jpg"
    s3_media.put_object(Bucket="newsroom-media", Key="images/chart.jpg", Body=jpeg_with_gps((700, 400)))
    article = ArticleFactory(
        head_image=upload(jpeg_with_gps((1800, 1200)), name="外滩.jpg"),
        head_image_alt="外滩",
        body=f'<p>正文</p><figure><img src="{body_image}" alt="图表"></figure>',
    )
    keys = {item["Key"] for item in s3_media.list_objects_v2(Bucket="newsroom-media")["Contents"]}
    head = article.image_renditions["head"]
    assert head["name"] in keys
    stem = head["name"].rsplit(".", 1)[0]
    assert f"renditions/{stem}/320w.webp" in keys and f"renditions/{stem}/1600w.jpg" in keys
    # The stored original has no GPS position.
    stored = s3_media.get_object(Bucket="newsroom-media", Key=head["name"])["Body"].read()
    assert Image.open(io.BytesIO(stored)).getexif().get_ifd(0x8825) == {}
    # A file put into the bucket by other means gets its renditions too, and
    # the page addresses point into the bucket.
    assert StoredImage.objects.filter(file="images/chart.jpg").exists()
    assert "renditions/images/chart/320w.webp" in keys
    assert article.head_picture.url.startswith(settings.MEDIA_URL)
    assert register_existing("images/missing.jpg") is None
