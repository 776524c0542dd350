"""Seed-format Hexo posts for tests that need many of them."""

import datetime as dt
from email.utils import format_datetime

SECTIONS = [("金融", "财联社", "深度"), ("科技", "36kr", "快讯"), ("宏观", "证券时报网", "快讯")]


def seed_post(number):
    sections = SECTIONS[number % len(SECTIONS)]
    when = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=37 * number)
    categories = "".join(f"\n - {name}" for name in sections)
    paragraphs = "".join(
        f"<p><strong>第{number}号快讯</strong>芯片行业第{part}段：厂商盈利改善，出口数据向好。</p>\n" for part in range(8)
    )
    return (
        f"\n---\ntitle: '测试快讯第{number}号：芯片出口'\ncategories: {categories}\n"
        f"author: 财联社\ncomments: false\ndate: {format_datetime(when, usegmt=True)}\n"
        f"tags:\n - 芯片\n - 标签{number % 7}\n---\n\n<div>   \n{paragraphs}</div>\n            "
    )


def write_seed_posts(directory, count):
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (directory / f"post-{number:05d}.html").write_text(seed_post(number), encoding="utf-8")
    return directory
