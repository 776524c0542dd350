"""A reader's journeys through the public site, on a phone and on a desktop.

Home → section → article → tag → author → search for a Chinese word and open
a result → page through a list → the RSS subscription. Every page gets a
screenshot under var/screenshots/ (kept by CI as an artifact).
"""

import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS
from .support import SEARCH_WORD

pytestmark = pytest.mark.browser


class Reader:
    """One reader's tab: takes a screenshot of each page and checks what every page must have."""

    def __init__(self, page, kind, screenshots):
        self.page = page
        self.kind = kind
        self.screenshots = screenshots
        self.step = 0
        self.console_errors = []
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _page_error(self, error):
        self.console_errors.append(str(error))

    def arrived(self, name, heading=None):
        page = self.page
        page.wait_for_load_state("load")
        if heading is not None:
            expect(page.locator("h1")).to_have_text(heading)
        self.step += 1
        page.screenshot(path=self.screenshots / f"reader-{self.kind}-{self.step:02d}-{name}.png", full_page=True)
        self.check_page(name)

    def check_page(self, name):
        page = self.page
        # No sideways scrolling: the layout fits the viewport.
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the {self.kind} viewport"
        # Every image says what it shows (or alt="" when it is decoration).
        missing = page.eval_on_selector_all("img:not([alt])", "els => els.map(e => e.outerHTML)")
        assert not missing, f"{name}: images without alt: {missing}"
        # The section menu, the search box and the feed link are on every page.
        expect(page.locator("nav.sections a").first).to_be_visible()
        expect(page.locator("#site-search")).to_be_visible()
        assert page.locator('head link[rel="alternate"][type="application/rss+xml"]').count() >= 1
        assert not self.console_errors, f"{name}: console errors {self.console_errors}"


@pytest.mark.parametrize("kind", list(VIEWPORTS))
def test_reader_journey(kind, site, new_context, screenshots):
    from articles.models import Article

    page = new_context(kind).new_page()
    reader = Reader(page, kind, screenshots)

    # The home page: the latest news, newest first.
    page.goto("/")
    reader.arrived("home", "最新资讯")
    cards = page.locator("article.card")
    expect(cards).to_have_count(20)

    # A section from the menu, then a sub-section.
    menu = page.get_by_role("navigation", name="栏目")
    menu.get_by_role("link", name="宏观", exact=True).click()
    reader.arrived("section", "宏观")
    expect(menu.get_by_role("link", name="宏观", exact=True)).to_have_attribute("aria-current", "page")
    page.get_by_role("navigation", name="子栏目").get_by_role("link", name="财联社").click()
    reader.arrived("subsection", "财联社")
    assert unquote(page.url).endswith("/sections/宏观/财联社/")
    expect(page.get_by_role("navigation", name="位置导航").get_by_role("link", name="宏观")).to_be_visible()

    # An article from the section's list.
    first = page.locator("article.card .card__title a").first
    title = first.inner_text()
    first.click()
    reader.arrived("article", title)
    article = page.locator("article.article")
    expect(article.locator(".article__body p").first).to_be_visible()
    iso_time = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")  # ISO 8601, to the second
    expect(article.locator(".meta time")).to_have_attribute("datetime", iso_time)

    # One of its tags.
    tag_link = article.locator(".article__tags a").first
    tag = tag_link.inner_text()
    tag_link.click()
    reader.arrived("tag", f"标签：{tag}")
    assert page.locator("article.card").count() >= 1

    # A byline from the tag's list.
    byline = page.locator("article.card .bylines a").first
    author = byline.inner_text()
    byline.click()
    reader.arrived("author", author)
    for card_byline in page.locator("article.card .bylines").all():
        assert author in card_byline.inner_text()

    # Search for a Chinese word from the header's search box; open a result.
    search = page.get_by_role("search").first.get_by_role("searchbox")
    search.fill(SEARCH_WORD)
    search.press("Enter")
    reader.arrived("search", "搜索")
    results = page.locator(".search-result")
    assert results.count() >= 2, "芯片 is in several sample posts"
    expect(page.locator(".search-count")).to_contain_text(SEARCH_WORD)
    for result in results.all():
        expect(result.locator("mark").first).to_have_text(SEARCH_WORD)
    result_title = results.first.locator("h2 a")
    expected_title = result_title.inner_text()
    result_title.click()
    reader.arrived("search-result", expected_title)
    expect(page.locator(".article__body")).to_contain_text(SEARCH_WORD)

    # Page through the home page's list and back.
    page.get_by_role("link", name="最新", exact=True).click()
    reader.arrived("home-again", "最新资讯")
    pages = page.get_by_role("navigation", name="分页")
    total = -(-Article.objects.published().count() // 20)
    assert total >= 2
    expect(pages).to_contain_text(f"第 1 页，共 {total} 页")
    first_page_titles = page.locator(".card__title a").all_inner_texts()
    pages.locator('a[rel="next"]').click()
    reader.arrived("home-page-2", "最新资讯")
    assert page.url.endswith("/?page=2")
    expect(pages).to_contain_text(f"第 2 页，共 {total} 页")
    second_page_titles = page.locator(".card__title a").all_inner_texts()
    assert second_page_titles and not set(first_page_titles) & set(second_page_titles)
    pages.locator('a[rel="prev"]').click()
    page.wait_for_load_state("load")
    assert page.locator(".card__title a").all_inner_texts() == first_page_titles

    # Subscribe: the feed link in the footer answers with an RSS feed of the latest articles.
    feed_link = page.get_by_role("contentinfo").get_by_role("link", name="RSS 订阅")
    expect(feed_link).to_be_visible()
    response = page.request.get(feed_link.get_attribute("href"))
    assert response.ok and "xml" in response.headers["content-type"]
    channel = ET.fromstring(response.body()).find("channel")
    items = [item.findtext("title") for item in channel.findall("item")]
    assert items[: len(first_page_titles)] == first_page_titles[: len(items)]
