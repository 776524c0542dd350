"""Hexo and Jekyll tag plugins in post bodies."""

import zoneinfo

import pytest
from PIL import Image

from articles.importers.hexo import parse_post
from articles.importers.markup import render_body
from articles.models import Article

from .commands import run_import

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def render(text, **options):
    options.setdefault("markdown", True)
    return render_body(text, **options)


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def png(path, colour="red"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 3), colour).save(path, "PNG")
    return path


# Code ------------------------------------------------------------------------------


def test_codeblock_with_caption_and_link():
    html = render(
        "{% codeblock .compact http://underscorejs.org/#compact Underscore.js %}\n"
        "_.compact([0, 1]);\n{% endcodeblock %}"
    ).html
    assert html == (
        '<figure><figcaption>.compact <a href="http://underscorejs.org/#compact">Underscore.js</a></figcaption>'
        "<pre><code>_.compact([0, 1]);</code></pre></figure>"
    )


def test_code_options_are_not_a_caption():
    html = render("{% code lang:js mark:1 %}\nif (a < b) {}\n{% endcode %}").html
    assert html == "<pre><code>if (a &lt; b) {}</code></pre>"


def test_code_inside_a_list_keeps_its_place():
    html = render("1. Install:\n\n    {% code %}\n    $ npm install hexo\n    {% endcode %}\n\n2. Done").html
    assert "<li>\n<p>Install:</p>\n<pre><code>$ npm install hexo</code></pre>\n</li>" in html


def test_jekyll_highlight():
    assert render("{% highlight ruby %}\nputs 1\n{% endhighlight %}").html == "<pre><code>puts 1</code></pre>"


def test_raw_block_of_template_code_becomes_code():
    assert render("{% raw %}\n{{ site.title }}\n{% endraw %}").html == "<pre><code>{{ site.title }}</code></pre>"


def test_raw_around_a_fence_keeps_the_fence():
    body = render("{% raw %}\n```hbs\n{{myVar}} {% if x %}\n```\n{% endraw %}")
    assert body.html == "<pre><code>{{myVar}} {% if x %}\n</code></pre>" and body.warnings == []


def test_inline_raw_is_literal_text():
    assert render("写作 {% raw %}{{ x }}{% endraw %} 即可").html == "<p>写作 {{ x }} 即可</p>"


def test_tags_inside_code_are_examples_not_tags():
    body = render("用 `{% post_link slug %}` 链接：\n\n```\n{% asset_img a.png %}\n{% foo %}\n```\n")
    assert "{% post_link slug %}" in body.html and "{% asset_img a.png %}" in body.html
    assert body.warnings == [] and body.links == [] and body.assets == []


# Callouts and quotes -----------------------------------------------------------------------


def test_note_block_is_a_labelled_quote():
    html = render("{% note warn %}\n**小心**升级。\n{% endnote %}").html
    assert html == "<blockquote><p><strong>Warning</strong></p><p><strong>小心</strong>升级。</p>\n</blockquote>"


def test_volantis_one_line_note():
    assert render("{% note success, 部署成功。 %}").html == (
        "<blockquote><p><strong>Success</strong></p><p>部署成功。</p></blockquote>"
    )


def test_note_without_a_known_kind_has_no_label():
    assert render("{% note alien-monster cyan , 字体。 %}").html == "<blockquote><p>字体。</p></blockquote>"


def test_blockquote_with_author_and_source():
    html = render(
        "{% blockquote Seth Godin http://sethgodin.typepad.com/x.html Welcome %}\n"
        "Every interaction.\n{% endblockquote %}"
    ).html
    assert html == (
        "<blockquote><p>Every interaction.</p>\n"
        '<p>— <cite>Seth Godin, <a href="http://sethgodin.typepad.com/x.html">Welcome</a></cite></p></blockquote>'
    )


def test_callouts_survive_the_sanitizer_and_nest_plugins():
    html = render("{% note info %}\n{% code %}\nx = 1\n{% endcode %}\n{% endnote %}").html
    assert html == "<blockquote><p><strong>Info</strong></p><pre><code>x = 1</code></pre>\n</blockquote>"


# Links, images, embeds ---------------------------------------------------------------------


def test_youtube_becomes_a_link():
    assert render("{% youtube TIbZDRXM-Tg %}").html == (
        '<p><a href="https://www.youtube.com/watch?v=TIbZDRXM-Tg">https://www.youtube.com/watch?v=TIbZDRXM-Tg</a></p>'
    )


def test_img_tag():
    html = render('{% img left https://img.example/a.png 200 100 "标题" "替代" %}').html
    assert html == (
        '<p><img src="https://img.example/a.png" alt="替代" title="标题" width="200" height="100" '
        'loading="lazy" referrerpolicy="no-referrer"></p>'
    )


def test_img_tag_with_an_unsafe_address_is_dropped():
    body = render("{% img javascript:alert(1) %}")
    assert "<img" not in body.html and "javascript" not in body.html


def test_unknown_plugin_stays_visible_and_is_reported_with_its_line(tmp_path):
    path = write(
        tmp_path, "p.md", "---\ntitle: t\ndate: 2020-01-01\n---\n第一行\n\n{% folding 更多 %}\n内容\n{% endfolding %}\n"
    )
    data = parse_post(path, tmp_path, tz=SHANGHAI)
    assert "{% folding 更多 %}" in data.body and "内容" in data.body
    assert data.warnings == [(7, "unknown tag plugin {% folding %}; kept as text")]


@pytest.mark.django_db
def test_unknown_plugin_warning_on_stderr_names_file_and_line(tmp_path):
    path = write(tmp_path, "p.md", "---\ntitle: t\ndate: 2020-01-01\n---\n{% katex %}\nx\n{% endkatex %}\n")
    code, _out, err = run_import(path)
    assert code == 0
    assert f"{path}:5: warning: unknown tag plugin {{% katex %}}" in err


# Assets ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_asset_img_is_copied_into_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    png(tmp_path / "posts" / "hello" / "photo.png")
    write(tmp_path / "posts", "hello.md", "---\ntitle: t\ndate: 2020-01-01\n---\n{% asset_img photo.png 图注 %}\n")
    code, _out, err = run_import(tmp_path / "posts")
    assert code == 0, err
    body = Article.objects.get().body
    stored = list((tmp_path / "media" / "imports" / "hexo").iterdir())
    assert len(stored) == 1 and stored[0].suffix == ".png"
    assert f'<img src="/media/imports/hexo/{stored[0].name}" alt="图注" title="图注" loading="lazy">' in body


@pytest.mark.django_db
def test_asset_img_is_not_copied_in_a_dry_run(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    png(tmp_path / "posts" / "hello" / "photo.png")
    write(tmp_path / "posts", "hello.md", "---\ntitle: t\ndate: 2020-01-01\n---\n{% asset_img photo.png %}\n")
    run_import(tmp_path / "posts", dry_run=True)
    assert not (tmp_path / "media").exists()


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../secret.png", "not a file name inside"),
        ("/etc/passwd", "not a file name inside"),
        ("notes.txt", "not an image file"),
        ("drawing.svg", "not an image file"),
        ("fake.png", "not a readable image"),
        ("missing.png", "no such file"),
        ("escape.png", "leads outside"),
    ],
)
def test_asset_img_refusals(tmp_path, name, reason):
    folder = tmp_path / "posts" / "hello"
    png(tmp_path / "posts" / "secret.png")
    write(folder, "notes.txt", "text")
    write(folder, "drawing.svg", "<svg onload='alert(1)'/>")
    write(folder, "fake.png", "not an image")
    (folder / "escape.png").symlink_to(tmp_path / "posts" / "secret.png")
    path = write(tmp_path / "posts", "hello.md", f"---\ntitle: t\ndate: 2020-01-01\n---\n{{% asset_img {name} %}}\n")
    data = parse_post(path, tmp_path / "posts", tz=SHANGHAI)
    assert data.assets == [] and "<img" not in data.body
    assert len(data.warnings) == 1 and reason in data.warnings[0][1]


# Post links ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_post_link_points_at_the_imported_article(tmp_path):
    write(tmp_path, "_posts/2011-02-10-the-life-1.md", "---\ntitle: 生活（一）\ndate: 2011-02-10\n---\n第一篇")
    write(
        tmp_path,
        "_posts/2011-02-11-the-life-2.md",
        "---\ntitle: 生活（二）\ndate: 2011-02-11\n---\n"
        "接上：{% post_link the-life-1 %}，又见 {% post_link the-life-1 '前文' %}。",
    )
    code, _out, err = run_import(tmp_path)
    assert code == 0, err
    first, second = Article.objects.get(title="生活（一）"), Article.objects.get(title="生活（二）")
    url = first.get_absolute_url()
    assert f'接上：<a href="{url}">生活（一）</a>，又见 <a href="{url}">前文</a>。' in second.body


@pytest.mark.django_db
def test_post_path_inside_a_markdown_link(tmp_path):
    write(tmp_path, "_posts/2022-06-10-smtp.md", "---\ntitle: SMTP\ndate: 2022-06-10\n---\n正文")
    write(
        tmp_path,
        "_posts/pve.md",
        "---\ntitle: PVE\ndate: 2022-07-10\n---\n见[邮件服务]({% post_path 2022-06-10-smtp %})",
    )
    run_import(tmp_path)
    url = Article.objects.get(title="SMTP").get_absolute_url()
    assert f'<a href="{url}">邮件服务</a>' in Article.objects.get(title="PVE").body


@pytest.mark.django_db
def test_post_link_to_an_article_imported_earlier(tmp_path):
    write(tmp_path / "a", "target.md", "---\ntitle: 目标\ndate: 2022-06-10\nslug: target-post\n---\n正文")
    run_import(tmp_path / "a")
    write(tmp_path / "b", "link.md", "---\ntitle: 链接\ndate: 2022-06-11\n---\n{% post_link target-post %}")
    run_import(tmp_path / "b")
    url = Article.objects.get(title="目标").get_absolute_url()
    assert f'<a href="{url}">目标</a>' in Article.objects.get(title="链接").body


@pytest.mark.django_db
def test_post_link_to_nothing_leaves_the_text_and_a_warning(tmp_path):
    path = write(tmp_path, "p.md", "---\ntitle: t\ndate: 2022-06-11\n---\n见 {% post_link nowhere %}。")
    code, _out, err = run_import(path)
    assert code == 0
    assert Article.objects.get().body == "<p>见 nowhere。</p>"
    assert f"{path}:5: warning: post_link target not found: nowhere" in err


@pytest.mark.django_db
def test_markdown_image_next_to_the_post_is_an_asset(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    png(tmp_path / "posts" / "hello" / "图 1.png")
    write(
        tmp_path / "posts", "hello.md", "---\ntitle: t\ndate: 2020-01-01\n---\n![图](<图 1.png>) ![丢失](missing.png)\n"
    )
    run_import(tmp_path / "posts")
    body = Article.objects.get().body
    assert '<img src="/media/imports/hexo/' in body and '<img src="missing.png"' in body
    assert len(list((tmp_path / "media" / "imports" / "hexo").iterdir())) == 1
