"""The whole shared corpus (756 real posts from 13 blogs) through import_hexo.

Runs when ``../shared/corpus`` (or ``$NEWSROOM_CORPUS``) exists, and skips
saying so otherwise. The counts and the refused files are pinned: a change
that imports fewer posts, or refuses different ones, fails here.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Article

from .commands import run_import

CORPUS = Path(os.environ.get("NEWSROOM_CORPUS", Path(settings.BASE_DIR).parent / "shared" / "corpus"))
UTC = dt.UTC
TOTAL = 756
SEED_FOLDER = "Rock-Candy-Tea--RSSHUB-PAGE/source/_posts"
# The only posts refused: broken on the old site too.
REFUSED = {
    "Rock-Candy-Tea--RSSHUB-PAGE/post/二次元/2021年04月18日 割引終了": "invalid YAML front matter",  # multi-line title
    "Rock-Candy-Tea--RSSHUB-PAGE/post/二次元/AGE 动漫 - 番剧详情/": "invalid YAML front matter",  # """""""'SP'"""""""
    "Rock-Candy-Tea--RSSHUB-PAGE/post/金融/@大道无形我有型": "invalid YAML front matter",  # unquoted @
    "Rock-Candy-Tea--RSSHUB-PAGE/post/金融/DT 财经 - 数据侠专栏/": "invalid YAML front matter",  # runaway quotes
    "Rock-Candy-Tea--RSSHUB-PAGE/source/_posts/金融/证券时报网/快讯/ .md": "no title",  # title ' ', date Invalid Date
    "ety001--blog-source/source/_posts/2025-08-21-harmony-next-l2tp-ipsec-psk.md": "unreadable date",  # 0：00：0jjj0
}

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not here ({CORPUS}); set NEWSROOM_CORPUS"),
]


def summary(out):
    numbers = re.search(r"(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) skipped, (\d+) failed", out)
    return dict(zip(["created", "updated", "unchanged", "skipped", "failed"], map(int, numbers.groups()), strict=True))


def article(relative):
    return Article.objects.get(source_key=f"hexo:{relative}")


def shanghai(*parts):
    return dt.datetime(*parts, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_whole_corpus_imports_and_a_second_run_changes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    code, out, err = run_import(CORPUS)
    assert code == 1  # six posts are refused
    assert summary(out) == {"created": TOTAL - len(REFUSED), "updated": 0, "unchanged": 0, "skipped": 0, "failed": 6}
    assert (TOTAL - len(REFUSED)) / TOTAL >= 0.95
    refused = [line for line in err.splitlines() if ": warning: " not in line and not line.startswith("CommandError")]
    assert len(refused) == len(REFUSED)
    for prefix, reason in REFUSED.items():
        lines = [line for line in refused if line.startswith(f"{CORPUS / prefix}")]
        assert len(lines) == 1 and reason in lines[0], (prefix, refused)
    assert Article.objects.count() == TOTAL - len(REFUSED)

    _spot_checks()

    code, out, _err = run_import(CORPUS)
    assert summary(out) == {"created": 0, "updated": 0, "unchanged": TOTAL - len(REFUSED), "skipped": 0, "failed": 6}


def _spot_checks():
    seed = article(f"{SEED_FOLDER}/金融/财联社/深度/阿里云们的十字路口：自研与出海并进  不再牺牲利润换营收.md")
    assert seed.title == "阿里云们的十字路口：自研与出海并进  不再牺牲利润换营收"
    assert seed.status == "published" and seed.published_at == dt.datetime(2022, 6, 19, 4, 35, 46, tzinfo=UTC)
    assert [str(c) for c in seed.categories.all()] == ["金融 › 财联社 › 深度"]
    assert [a.name for a in seed.authors.all()] == ["财联社"] and list(seed.tags.names()) == []
    assert seed.allow_comments is False
    assert seed.head_image_url == "https://img.cls.cn/images/20220619/LD0UNiEi81.PNG"
    assert seed.thumbnail_url == "https://img.cls.cn/images/20220619/LD0UNiEi81.PNG"
    assert seed.body.startswith("<p><strong>《科创板日报》6月19日讯（记者 黄心怡）</strong>在历经十多年的发展后")
    assert 'referrerpolicy="no-referrer"' in seed.body and "<div" not in seed.body
    assert seed.summary.startswith("《科创板日报》6月19日讯（记者 黄心怡）在历经十多年的发展后")
    assert seed.legacy_path == "/2022/06/19/金融/财联社/深度/阿里云们的十字路口：自研与出海并进  不再牺牲利润换营收/"
    assert seed.events.get().to_status == "published"

    legacy = article(
        "Rock-Candy-Tea--RSSHUB-PAGE/post/金融/Apple Ordered To Pay $3085 Million In Patent Infringement Case.md"
    )
    assert legacy.title == "Apple Ordered To Pay $308.5 Million In Patent Infringement Case"
    assert legacy.published_at == dt.datetime(2021, 3, 20, 12, 45, tzinfo=UTC)
    assert [str(c) for c in legacy.categories.all()] == ["金融 › finviz - 美股股票新闻"]
    assert (
        legacy.thumbnail_url == "" and legacy.body == "Apple Ordered To Pay $308.5 Million In Patent Infringement Case"
    )

    braces = article("Rock-Candy-Tea--RSSHUB-PAGE/source/_posts/编程/掘金/标签/研发知识：MDD、MDF是什么？.md")
    assert "&#123;" not in braces.body and "<style" not in braces.body and "markdown-body" not in braces.body
    assert [str(c) for c in braces.categories.all()] == ["编程 › 掘金 › 标签"]

    hexo3 = article("hexojs--site/source/_posts/2015-03-05-hexo-3-0-released.md")
    assert hexo3.title == "Hexo 3.0 Released" and hexo3.published_at == shanghai(2015, 3, 5)
    assert "<pre><code>$ npm install hexo-cli -g</code></pre>" in hexo3.body
    assert hexo3.legacy_path == "/2015/03/05/hexo-3-0-released/"

    untitled = article("hexojs--hexo-theme-unit-test/source/_posts/no-title.md")  # no opening ---
    assert untitled.title == "no-title" and untitled.published_at == shanghai(2013, 12, 25, 22, 57, 49)
    assert untitled.body == "<p>This post doesn't have a title. Make sure it's accessible.</p>"

    unpadded = article("volantis-x--community/source/_posts/blogs/2025-8-18-using-artalk.md")
    assert unpadded.published_at == shanghai(2025, 8, 18)
    assert [str(c) for c in unpadded.categories.all()] == [
        "开发心得"
    ] and unpadded.summary == "对artalk评论系统的部署到配置全过程的记录。"
    assert [a.name for a in unpadded.authors.all()] == ["Luyus"]

    offset = article("ety001--blog-source/source/_posts/2014-11-28-centos-service-startup.md")
    assert offset.published_at == dt.datetime(2014, 11, 27, 18, 6, tzinfo=UTC)
    assert offset.slug == "move-blog-to-git-page" and offset.legacy_path == "/2014/11/28/move-blog-to-git-page/"
    assert list(offset.tags.names()) == ["Server&OS"] and offset.allow_comments is True

    alternate_key = article("mythsman--blog-source/source/_posts/Java中关于日期处理的一些坑.md")  # category:, id: 1
    assert [str(c) for c in alternate_key.categories.all()] == ["Java"]
    assert alternate_key.title == "Java中日期处理的一些坑"

    jekyll_draft = article("Huxpro--huxpro.github.io/_posts/2015-05-25-js-module-loader.markdown")
    assert jekyll_draft.status == "draft" and jekyll_draft.published_at is None and jekyll_draft.legacy_path is None
    assert sorted(jekyll_draft.tags.names()) == ["JavaScript", "Web", "笔记"]
    assert [a.name for a in jekyll_draft.authors.all()] == ["Hux"] and jekyll_draft.head_image_url == ""

    typo = article("wqdygkd--hexo-blog/source/_posts/前端/js/常用js —— es6新的数据类型.md")  # tltle:, YYYY/MM/DD
    assert typo.title == "常用js —— es6新的数据类型" and typo.published_at == shanghai(2019, 10, 21)

    nested = article("wqdygkd--hexo-blog/source/_posts/运维/linux-入门.md")  # CRLF, "- - 教程"
    assert [str(c) for c in nested.categories.all()] == ["教程"] and nested.title == "linux 入门"
    assert nested.body.startswith('<p><a href="https://www.bt.cn/">宝塔面板</a></p>')

    permalink = article("daichangya--hexo-blog/source/_posts/yong-bao-gai-bian-kai-qi-chi-xu-jin-bu.md")
    assert permalink.legacy_path == "/archives/yong-bao-gai-bian-kai-qi-chi-xu-jin-bu/"
    assert permalink.head_image_url == "https://mdanimage.oss-cn-shenzhen.aliyuncs.com/growprogress.jpg"
    assert permalink.summary.startswith("在人生的长河中，我们常常渴望成长与进步")

    more = article("ZvonimirSun--my-hexo-blog/source/_posts/spark-cluster-setup.md")
    assert more.summary == "今天记录一下，在 Ubuntu 14.04 上部署 Spark 集群的过程。"
    assert "<table>" in more.body and "<!--" not in more.body

    scalar = article("Beyond1993--Hexo-Blog/source/_posts/Life/Origami.md")
    assert [str(c) for c in scalar.categories.all()] == ["生活"] and scalar.title == "折纸"
