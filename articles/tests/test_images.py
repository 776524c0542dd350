"""Images: what is accepted, what is stripped, renditions, pages, alt text."""

import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from articles import workflow
from articles.images import processing
from articles.images.processing import ImageRefused, clean_image, make_renditions
from articles.images.store import media_name, rendition_name, store_clean
from articles.models import Article, ArticleEvent, Author, StoredImage

from .factories import ArticleFactory
from .test_images_files import (
    HTML_PAGE,
    SVG,
    animated_gif,
    image_bytes,
    jpeg_with_gps,
    png_claiming,
    read,
    upload,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"  # the messages below are read in English
    return tmp_path / "media"


def stored_bytes(name):
    with default_storage.open(name, "rb") as handle:
        return handle.read()


# What is accepted --------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(processing.FORMATS))
def test_each_accepted_format_is_read_and_kept(kind):
    clean = clean_image(image_bytes(kind, (300, 200)))
    assert (clean.format, clean.width, clean.height) == (kind, 300, 200)
    assert read(clean.content).format == kind


@pytest.mark.parametrize(
    "data",
    [HTML_PAGE, SVG, b"%PDF-1.4 not an image", b"\x00" * 100, image_bytes("BMP"), image_bytes("TIFF")],
    ids=["html", "svg", "pdf", "zeros", "bmp", "tiff"],
)
def test_other_content_is_refused_whatever_its_name(data):
    with pytest.raises(ImageRefused) as refused:
        clean_image(data)
    assert refused.value.code == "not_an_image"
    assert "not an image" in refused.value.message


def test_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(ImageRefused) as refused:
        clean_image(png_claiming(50_000, 50_000))
    assert refused.value.code == "too_many_pixels"
    assert refused.value.message == "The image has too many pixels: 2500 million; at most 40 million."


def test_pixel_limit_comes_from_the_settings(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    with pytest.raises(ImageRefused, match="too many pixels"):
        clean_image(image_bytes("PNG", (101, 100)))
    assert clean_image(image_bytes("PNG", (100, 100))).width == 100


def test_byte_limit_comes_from_the_settings(settings):
    data = image_bytes("PNG", (200, 200))
    settings.IMAGE_MAX_BYTES = len(data) - 1
    with pytest.raises(ImageRefused) as refused:
        clean_image(data)
    assert refused.value.code == "too_many_bytes"


def test_truncated_image_is_refused_as_damaged():
    data = jpeg_with_gps()
    with pytest.raises(ImageRefused) as refused:
        clean_image(data[: len(data) // 2])
    assert refused.value.code == "damaged"


def test_large_animation_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 60 * 40 * 5
    assert clean_image(animated_gif(frames=5)).frames == 5
    with pytest.raises(ImageRefused, match="animation is too large"):
        clean_image(animated_gif(frames=6))


# What is stripped --------------------------------------------------------------


def test_gps_and_camera_data_are_stripped():
    assert read(jpeg_with_gps()).getexif().get_ifd(0x8825)  # the fixture has them
    cleaned = read(clean_image(jpeg_with_gps()).content)
    assert dict(cleaned.getexif()) == {}
    assert cleaned.getexif().get_ifd(0x8825) == {}
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(cleaned.info)


def test_exif_orientation_is_applied_before_stripping():
    clean = clean_image(jpeg_with_gps(size=(1200, 800), orientation=6))  # "rotate 90° to display"
    assert (clean.width, clean.height) == (800, 1200)
    assert "exif" not in read(clean.content).info


def test_png_text_chunks_and_profile_are_stripped():
    from PIL import ImageCms, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "someone")
    info.add_text("Location", "31.23N 121.47E")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = image_bytes("PNG", (50, 50), pnginfo=info, icc_profile=profile)
    assert "Location" in read(data).info
    cleaned = read(clean_image(data).content)
    assert not {"Author", "Location", "icc_profile", "exif"} & set(cleaned.info)


def test_webp_metadata_is_stripped():
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    cleaned = read(clean_image(image_bytes("WEBP", (40, 40), exif=exif.tobytes())).content)
    assert "exif" not in cleaned.info and dict(cleaned.getexif()) == {}


def test_animation_keeps_its_frames_without_comments():
    clean = clean_image(animated_gif(frames=4))
    cleaned = read(clean.content)
    assert clean.animated and cleaned.n_frames == 4
    assert "comment" not in cleaned.info


# Renditions ---------------------------------------------------------------------


def test_renditions_are_webp_and_the_original_format_at_each_smaller_width(settings):
    settings.IMAGE_RENDITION_WIDTHS = [320, 640, 1024, 1600]
    clean = clean_image(image_bytes("JPEG", (2000, 1000)))
    made = {(r.format, r.width, r.height) for r in make_renditions(clean)}
    assert made == {
        ("WEBP", 2000, 1000),
        *{("WEBP", w, w // 2) for w in (320, 640, 1024, 1600)},
        *{("JPEG", w, w // 2) for w in (320, 640, 1024, 1600)},
    }


def test_renditions_are_never_wider_than_the_original():
    clean = clean_image(image_bytes("PNG", (500, 300)))
    made = make_renditions(clean)
    assert max(r.width for r in made) == 500
    assert {(r.format, r.width) for r in made} == {("WEBP", 500), ("WEBP", 320), ("PNG", 320)}


@pytest.mark.parametrize(
    "kind, mode, fallback",
    [("PNG", "RGBA", "PNG"), ("GIF", "P", "PNG"), ("WEBP", "RGB", None), ("JPEG", "L", "JPEG")],
)
def test_rendition_fallback_format(kind, mode, fallback):
    clean = clean_image(
        image_bytes(kind, (700, 350), mode=mode, color=0 if mode in ("P", "L") else (1, 2, 3, 4)[: len(mode)])
    )
    formats = {r.format for r in make_renditions(clean) if r.width == 320}
    assert formats == {"WEBP", fallback} - {None}


@pytest.mark.skipif("AVIF" not in processing.FORMATS, reason="this Pillow does not read AVIF")
def test_avif_gets_jpeg_renditions_at_every_size():
    made = make_renditions(clean_image(image_bytes("AVIF", (700, 350))))
    assert {(r.format, r.width) for r in made} == {
        ("WEBP", 700),
        ("JPEG", 700),
        ("WEBP", 320),
        ("JPEG", 320),
        ("WEBP", 640),
        ("JPEG", 640),
    }


def test_a_much_wider_original_gets_no_full_size_webp():
    made = make_renditions(clean_image(image_bytes("JPEG", (4000, 2000))))
    assert max(r.width for r in made if r.format == "WEBP") == 1600


def test_a_size_webp_cannot_hold_is_left_out(settings):
    settings.IMAGE_RENDITION_WIDTHS = [10_000]
    made = make_renditions(clean_image(image_bytes("PNG", (17_000, 10), mode="L", color=0)))
    assert {(r.format, r.width) for r in made} == {("WEBP", 10_000), ("PNG", 10_000)}  # no 17,000-wide WebP


def test_a_cameras_mpo_is_taken_as_its_jpeg():
    pictures = [Image.new("RGB", (300, 200), "red"), Image.new("RGB", (150, 100), "blue")]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "MPO", save_all=True, append_images=pictures[1:])
    assert read(buffer.getvalue()).format == "MPO"
    clean = clean_image(buffer.getvalue())
    assert (clean.format, clean.width, clean.frames) == ("JPEG", 300, 1)
    assert read(clean.content).format == "JPEG"


def test_animations_get_no_renditions():
    assert make_renditions(clean_image(animated_gif())) == []


@pytest.mark.django_db
def test_stored_renditions_are_files_of_the_size_and_format_they_claim(settings):
    settings.IMAGE_RENDITION_WIDTHS = [320, 640]
    stored = store_clean(clean_image(image_bytes("JPEG", (1000, 500))), "articles/photo.jpg")
    assert stored.renditions == [
        [320, 160, "jpeg"],
        [320, 160, "webp"],
        [640, 320, "jpeg"],
        [640, 320, "webp"],
        [1000, 500, "webp"],
    ]
    for width, height, kind in stored.renditions:
        name = rendition_name(stored.file, width, {"jpeg": "jpg"}.get(kind, kind))
        assert name == f"renditions/articles/photo/{width}w.{'jpg' if kind == 'jpeg' else kind}"
        image = read(stored_bytes(name))
        assert (image.width, image.height, image.format.lower()) == (width, height, kind)


@pytest.mark.django_db
def test_renditions_are_made_once(media):
    first = ArticleFactory(head_image=upload(jpeg_with_gps((900, 600))), head_image_alt="外滩")
    files = sorted(path for path in media.rglob("*") if path.is_file())
    # Another article showing the same stored image: no new files, no new row.
    ArticleFactory(head_image_url=default_storage.url(first.head_image.name), head_image_alt="外滩")
    assert sorted(path for path in media.rglob("*") if path.is_file()) == files
    assert StoredImage.objects.count() == 1


# Saving articles and authors ----------------------------------------------------


@pytest.mark.django_db
def test_saving_an_upload_stores_it_clean_with_its_renditions():
    article = ArticleFactory(head_image=upload(jpeg_with_gps((1800, 1200)), name="外滩.jpeg"), head_image_alt="外滩")
    assert article.head_image.name.endswith(".jpg")
    stored = read(stored_bytes(article.head_image.name))
    assert stored.getexif().get_ifd(0x8825) == {} and "exif" not in stored.info
    head = article.image_renditions["head"]
    assert head["name"] == article.head_image.name and (head["width"], head["height"]) == (1800, 1200)
    assert {width for width, _height, _kind in head["renditions"]} == {320, 640, 1024, 1600, 1800}


@pytest.mark.django_db
def test_a_hostile_file_assigned_in_code_is_refused_on_save():
    with pytest.raises(ImageRefused):
        ArticleFactory(head_image=upload(HTML_PAGE, name="evil.jpg"))
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_author_photo_is_stored_clean():
    author = Author.objects.create(name="摄影记者", photo=upload(jpeg_with_gps((400, 400)), name="me.jpg"))
    assert read(stored_bytes(author.photo.name)).getexif().get_ifd(0x8825) == {}
    assert StoredImage.objects.filter(file=author.photo.name).exists()


@pytest.mark.django_db
def test_a_local_head_image_address_gets_renditions_too():
    stored = store_clean(clean_image(image_bytes("PNG", (700, 400))), "images/chart.png")
    article = ArticleFactory(head_image_url=stored.url, head_image_alt="图表：出口增速", thumbnail_url=stored.url)
    assert article.image_renditions["head"]["name"] == "images/chart.png"
    assert article.image_renditions["thumbnail"]["name"] == "images/chart.png"


@pytest.mark.django_db
def test_changing_the_head_image_to_an_external_one_forgets_the_renditions():
    article = ArticleFactory(head_image=upload(image_bytes()), head_image_alt="图")
    article.head_image = ""
    article.head_image_url = "https://img.cls.cn/x.png"
    article.save()
    assert article.image_renditions == {} and article.head_picture is None


def test_media_name_maps_media_urls_back(settings):
    settings.MEDIA_URL = "/media/"
    assert media_name("/media/images/a%20b.jpg") == "images/a b.jpg"
    assert media_name("http://127.0.0.1:8000/media/x.jpg") == "x.jpg"
    assert media_name("/static/samples/car.jpg") is None
    assert media_name("https://img.cls.cn/media/x.jpg") is None
    assert media_name("/media/../settings.py") is None


# The admin: uploads and their refusals ------------------------------------------


def article_form(**changes):
    data = {
        "title": "带图的稿件",
        "slug": "",
        "summary": "",
        "body": "<p>正文</p>",
        "tags": "",
        "allow_comments": "on",
        "head_image_url": "",
        "head_image_alt": "外滩的清晨",
        "head_image_caption": "上海外滩",
        "head_image_credit": "本报记者 摄",
        "thumbnail_url": "",
        "bylines-TOTAL_FORMS": 0,
        "bylines-INITIAL_FORMS": 0,
        "bylines-MIN_NUM_FORMS": 0,
        "bylines-MAX_NUM_FORMS": 1000,
        "_continue": "Save",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_admin_upload_with_gps_is_stored_without_it(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_add"), article_form(head_image=upload(jpeg_with_gps())))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    stored = read(stored_bytes(article.head_image.name))
    assert dict(stored.getexif()) == {} and stored.getexif().get_ifd(0x8825) == {}
    assert (article.head_image_caption, article.head_image_credit) == ("上海外滩", "本报记者 摄")
    assert article.image_renditions["head"]["renditions"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, name, message",
    [
        (HTML_PAGE, "photo.jpg", "not an image"),
        (SVG, "logo.png", "not an image"),
        (png_claiming(30_000, 30_000), "huge.png", "too many pixels"),
        (jpeg_with_gps()[:3000], "cut.jpg", "damaged"),
        (b"", "empty.jpg", "empty"),
    ],
    ids=["html", "svg", "bomb", "truncated", "empty"],
)
def test_admin_refuses_bad_uploads_with_a_form_error(client, editor, data, name, message):
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_add"), article_form(head_image=upload(data, name=name)))
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors["head_image"]
    assert any(message in error for error in errors), errors
    assert not Article.objects.exists()
    assert not StoredImage.objects.exists()


@pytest.mark.django_db
def test_admin_refuses_an_upload_over_the_byte_limit(client, editor, settings):
    settings.IMAGE_MAX_BYTES = 10_000
    client.force_login(editor)
    big = image_bytes("PNG", (400, 400), mode="RGB", color=None)
    response = client.post(reverse("admin:articles_article_add"), article_form(head_image=upload(big + b"\0" * 10_000)))
    assert "too large: at most 0.00953674 MB" in str(response.context["adminform"].form.errors["head_image"])


@pytest.mark.django_db
def test_admin_author_photo_refuses_html(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_author_add"),
        {"name": "新作者", "slug": "", "bio": "", "photo": upload(HTML_PAGE, name="me.png")},
    )
    assert response.status_code == 200
    assert "not an image" in str(response.context["adminform"].form.errors["photo"])
    assert not Author.objects.filter(name="新作者").exists()


@pytest.mark.django_db
def test_admin_image_fields_say_what_is_accepted(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "JPEG, PNG, WebP, GIF" in html and "GPS" in html
    assert 'accept="image/jpeg,image/png,image/webp,image/gif' in html


# The rich-text editor's image upload --------------------------------------------

UPLOAD = "admin:articles_article_image_upload"


@pytest.mark.django_db
def test_editor_is_configured_with_the_image_picker(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    config = re.search(r'data-django-prose-editor-configurable="([^"]+)"', html).group(1)
    config = json.loads(config.replace("&quot;", '"').replace("&amp;", "&"))
    assert config["extensions"]["Figure"] == {"pickerUrl": reverse(UPLOAD)}


@pytest.mark.django_db
def test_editor_upload_page_shows_the_form(client, writer):
    client.force_login(writer)
    response = client.get(reverse(UPLOAD), {"CKEditorFuncNum": "-1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in html and 'name="alt"' in html and 'value="-1"' in html
    assert "image-picker.js" in html


@pytest.mark.django_db
def test_editor_upload_stores_the_image_and_hands_it_back(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse(UPLOAD) + "?CKEditorFuncNum=-2",
        {"image": upload(jpeg_with_gps((1500, 900)), name="晶圆.jpg"), "alt": "晶圆检测设备", "caption": "生产线"},
    )
    assert response.status_code == 200
    picked = response.context["picked"]
    name = media_name(picked["url"])
    assert name.startswith("images/editor/") and name.endswith(".jpg")
    assert read(stored_bytes(name)).getexif().get_ifd(0x8825) == {}
    assert StoredImage.objects.get(file=name).renditions
    html = response.content.decode()
    assert f'data-url="{picked["url"]}"' in html and 'data-alt="晶圆检测设备"' in html and 'data-func="-2"' in html


@pytest.mark.django_db
def test_editor_upload_answers_json_when_asked(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse(UPLOAD),
        {"image": upload(image_bytes("PNG", (640, 360)), name="a.png"), "alt": "走势图"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["width"] == 640 and response.json()["url"].endswith(".png")
    refused = client.post(
        reverse(UPLOAD), {"image": upload(SVG, name="a.png"), "alt": "走势图"}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400 and "not an image" in json.dumps(refused.json(), ensure_ascii=False)


@pytest.mark.django_db
@pytest.mark.parametrize("alt", ["", "   ", "图片", "IMG_2031.jpg"])
def test_editor_upload_wants_real_alt_text(client, writer, alt):
    client.force_login(writer)
    response = client.post(reverse(UPLOAD), {"image": upload(image_bytes()), "alt": alt})
    assert response.status_code == 400 and "alt" in response.context["form"].errors
    assert not StoredImage.objects.exists()


@pytest.mark.django_db
def test_editor_upload_is_for_staff_only(client):
    response = client.get(reverse(UPLOAD))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_editor_images_get_renditions_on_the_page(client, writer):
    client.force_login(writer)
    url = client.post(
        reverse(UPLOAD),
        {"image": upload(image_bytes("JPEG", (1200, 800))), "alt": "港口"},
        HTTP_ACCEPT="application/json",
    ).json()["url"]
    client.logout()
    article = ArticleFactory(body=f'<figure><img src="{url}" alt="港口"><figcaption>洋山港</figcaption></figure>')
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp"' in html and 'sizes="(min-width: 48rem) 46rem, 100vw"' in html
    assert re.search(r'<img src="[^"]+" alt="港口" loading="lazy" width="1200" height="800" srcset="[^"]+ 320w', html)


# Pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_with_20_image_cards_costs_a_fixed_number_of_queries(client, django_assert_num_queries, settings):
    settings.IMAGE_RENDITION_WIDTHS = [320, 640]
    for index in range(20):
        ArticleFactory(
            head_image=upload(image_bytes("JPEG", (800, 450), color=(index * 10, 40, 40))),
            head_image_alt=f"图{index}说明",
        )
    # The same as a list without images (test_views): renditions come with the article rows.
    with django_assert_num_queries(6):
        response = client.get("/")
    with django_assert_num_queries(1):  # cards kept per content version (articles/fragments.py)
        assert client.get("/").content == response.content
    html = response.content.decode()
    assert html.count('<source type="image/webp"') == 20
    assert html.count('sizes="(min-width: 40rem) 14rem, 6.5rem"') == 40
    assert html.count('loading="lazy"') == 18  # the first two cards load at once
    assert re.search(
        r'srcset="/media/renditions/articles/[^"]+/320w.jpg 320w, /media/renditions/[^"]+/640w.jpg 640w, /media/articles/[^"]+ 800w"',
        html,
    )
    assert 'width="800" height="450"' in html


@pytest.mark.django_db
def test_cards_with_external_images_are_unchanged(client):
    ArticleFactory(thumbnail_url="https://img.cls.cn/t.png")  # the first card: not lazy
    html = client.get("/").content.decode()
    assert '<img src="https://img.cls.cn/t.png" alt="" width="320" height="180" referrerpolicy="no-referrer">' in html


@pytest.mark.django_db
def test_detail_hero_has_renditions_size_and_caption(client):
    article = ArticleFactory(
        head_image=upload(jpeg_with_gps((1600, 900))),
        head_image_alt="外滩的清晨",
        head_image_caption="上海外滩",
        head_image_credit="本报记者 摄",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    hero = html[html.index('<figure class="hero">') : html.index("</figure>")]
    assert '<source type="image/webp" srcset="' in hero and "1600w" in hero
    assert 'alt="外滩的清晨" width="1600" height="900"' in hero
    assert "loading" not in hero  # above the fold
    assert "<figcaption>上海外滩 <small>本报记者 摄</small></figcaption>" in hero


@pytest.mark.django_db
@pytest.mark.parametrize("images", [0, 5])
def test_detail_query_count_does_not_grow_with_stored_body_images(client, django_assert_num_queries, images):
    urls = [store_clean(clean_image(image_bytes("PNG", (900, 500))), f"images/p{i}.png").url for i in range(images)]
    body = "<p>正文</p>" + "".join(f'<p><img src="{url}" alt="图表{i}说明"></p>' for i, url in enumerate(urls))
    article = ArticleFactory(body=body, head_image_url=urls[0] if urls else "", head_image_alt="图表")
    # Renditions come with the article row: no query for them, whatever their number.
    with django_assert_num_queries(4):
        html = client.get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(1):
        client.get(article.get_absolute_url())
    assert html.count("<picture>") == images + (1 if images else 0)


# Alt text is required to publish ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, named",
    [
        ({"head_image_url": "https://img.cls.cn/head.png"}, ["the head image"]),
        ({"head_image_url": "https://img.cls.cn/head.png", "head_image_alt": "  "}, ["the head image"]),
        ({"body": '<p><img src="https://img.cls.cn/a.png"></p>'}, ["body image 1 (https://img.cls.cn/a.png)"]),
        (
            {
                "body": '<p><img src="/media/a.jpg" alt="港口"><img src="/media/b.jpg" alt="image"><img src="/media/c.jpg" alt="DSC_0042.JPG"></p>'
            },
            ["body image 2 (/media/b.jpg)", "body image 3 (/media/c.jpg)"],
        ),
    ],
    ids=["head", "blank-head", "body", "placeholders"],
)
def test_publish_refuses_images_without_alt_text_naming_them(editor, fields, named):
    article = ArticleFactory(draft=True, **fields)
    with pytest.raises(workflow.MissingAltText) as refused:
        workflow.publish(article, user=editor)
    assert refused.value.images == named
    assert isinstance(refused.value, workflow.TransitionError)
    for name in named:
        assert name in str(refused.value)
    article.refresh_from_db()
    assert article.status == "draft" and not ArticleEvent.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_publish_refuses_an_uploaded_head_image_without_alt(editor):
    article = ArticleFactory(draft=True, head_image=upload(image_bytes()))
    with pytest.raises(workflow.MissingAltText, match="the head image"):
        workflow.publish(article, user=editor)


@pytest.mark.django_db
def test_publish_and_schedule_pass_with_alt_text(editor):
    import datetime as dt

    from django.utils import timezone

    fields = {
        "head_image_url": "https://img.cls.cn/h.png",
        "head_image_alt": "阿里云大楼",
        "body": '<img src="https://img.cls.cn/a.png" alt="机房">',
    }
    workflow.publish(ArticleFactory(draft=True, **fields), user=editor)
    workflow.publish(ArticleFactory(draft=True, **fields), user=editor, at=timezone.now() + dt.timedelta(days=1))


@pytest.mark.django_db
def test_the_thumbnail_needs_no_alt_text(editor):
    workflow.publish(ArticleFactory(draft=True, thumbnail_url="https://img.cls.cn/t.png"), user=editor)


@pytest.mark.django_db
def test_imports_publish_without_alt_text_and_the_event_says_so():
    article = ArticleFactory(
        draft=True, head_image_url="https://img.cls.cn/h.png", body='<img src="https://img.cls.cn/a.png" alt="image">'
    )
    event = workflow.publish(article, user=workflow.SYSTEM)
    assert article.status == "published"
    assert event.note == "Published without alt text for: the head image; body image 1 (https://img.cls.cn/a.png)"


@pytest.mark.django_db
def test_admin_publish_button_reports_the_missing_alt_text(client, editor):
    client.force_login(editor)
    article = ArticleFactory(draft=True, body='<p><img src="https://img.cls.cn/a.png"></p>')
    from .test_admin_workflow import change_url, form_data

    response = client.post(change_url(article), form_data(article, _publish="1"), follow=True)
    text = " ".join(str(message) for message in response.context["messages"])
    assert "body image 1 (https://img.cls.cn/a.png)" in text and "alt text" in text
    article.refresh_from_db()
    assert article.status == "draft"
