"""The newsroom's journeys in the admin, in a real browser.

A writer writes in the rich-text editor (django-prose-editor: a ProseMirror
``contenteditable``), saves and submits; an editor sends it back with a note;
the writer fixes and resubmits; the editor schedules it a few seconds ahead;
a reader then finds it on the home page. And two people editing one article
at once: the second save is refused, naming the first, and keeps the text.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = pytest.mark.browser

TITLE = "芯片产业链调查：国产替代进入深水区"
LINK = "https://example.com/report"
IMAGE = "/static/samples/chip.jpg"
NOTE = "请补充数据来源，并核实扩产数字。"


def editor_area(page):
    return page.locator(".prose-editor [contenteditable=true]")


def toolbar(page, name):
    return page.locator(f'.prose-menubar__button[data-name="{name}"]')


def dialog(page):
    return page.locator("dialog.prose-editor-dialog[open]")


def messages(page):
    return page.locator("ul.messagelist")


def shot(page, screenshots, name):
    page.screenshot(path=screenshots / f"editor-{name}.png", full_page=True)


def settle_focus(page, selected):
    """Wait until a dialog has handed the focus back to the text, with ``selected`` selected.

    The editor refocuses in an animation frame after the dialog closes; a key
    pressed before that would act on the selection restored then."""
    page.wait_for_function(
        "text => document.activeElement?.classList.contains('ProseMirror') && getSelection().toString() === text",
        arg=selected,
    )
    catch_up(page)


def catch_up(page):
    """Let the editor read a caret move: ProseMirror learns of it from the
    browser's ``selectionchange`` event, which comes a task later."""
    for _ in range(2):
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")


def write_article(page):
    """Type the article as a writer would: a heading, bold text, a link and a figure."""
    page.locator("#id_title").fill(TITLE)
    body = editor_area(page)
    body.click()
    # A heading, from the block-type menu.
    page.locator(".prose-menubar__dropdown .prose-menubar__selected").click()
    page.locator('.prose-menubar__option[data-name="heading2"]').click()
    page.keyboard.type("调查背景")
    page.keyboard.press("Enter")
    # Bold: once with the toolbar button, once with Ctrl+B.
    page.keyboard.type("国产芯片企业")
    toolbar(page, "bold").click()
    page.keyboard.type("加速扩产")
    page.keyboard.press("Control+b")
    page.keyboard.type("，")
    page.keyboard.press("Control+b")
    page.keyboard.type("设备订单")
    page.keyboard.press("Control+b")
    page.keyboard.type("排到明年。")
    page.keyboard.press("Enter")
    # A link on words typed, then selected.
    page.keyboard.type("详见行业协会报告")
    for _ in "行业协会报告":
        page.keyboard.press("Shift+ArrowLeft")
    catch_up(page)  # the editor reads the selection a task after the last key
    toolbar(page, "link").click()
    expect(dialog(page)).to_be_visible()
    dialog(page).locator('input[name="href"]').fill(LINK)
    dialog(page).locator('button[type="submit"]').click()
    expect(dialog(page)).to_have_count(0)
    expect(body.locator(f'a[href="{LINK}"]')).to_have_text("行业协会报告")
    settle_focus(page, "行业协会报告")
    page.keyboard.press("Control+End")
    catch_up(page)
    page.keyboard.press("Enter")
    # An image by URL, as a figure with alt text and a caption.
    toolbar(page, "figure").click()
    expect(dialog(page)).to_be_visible()
    dialog(page).locator('input[name="imageUrl"]').fill(IMAGE)
    dialog(page).locator('input[name="altText"]').fill("晶圆检测设备")
    dialog(page).locator('input[name="caption"]').fill("生产线上的晶圆")
    dialog(page).locator('button[type="submit"]').click()
    expect(dialog(page)).to_have_count(0)
    expect(body.locator("h2")).to_have_text("调查背景")
    expect(body.locator("strong").first).to_have_text("加速扩产")
    expect(body.locator(f'a[href="{LINK}"]')).to_have_text("行业协会报告")
    expect(body.locator(f'img[src="{IMAGE}"]')).to_have_count(1)


def open_from_review_queue(page, title):
    page.goto("/admin/")
    page.locator('a[href$="/admin/articles/articleinreview/"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/articles/articleinreview/$"))
    page.get_by_role("link", name=title).click()
    expect(page.locator("#id_title")).to_have_value(title)


def test_write_review_schedule_publish(roles, make_member, new_context, screenshots):
    from django.utils import timezone

    from articles.models import Article

    make_member("wang", "writer", byline="王明")
    make_member("zhang", "editor", full_name="Wei Zhang")

    # The writer drafts the article.
    writer = new_context("desktop").new_page()
    log_in(writer, "wang")
    writer.goto("/admin/articles/article/add/")
    write_article(writer)
    shot(writer, screenshots, "01-writer-draft")
    writer.locator('input[name="_continue"]').click()
    expect(messages(writer)).to_be_visible()
    expect(writer).to_have_url(re.compile(r"/admin/articles/article/\d+/change/$"))
    article = Article.objects.get(title=TITLE)
    assert article.status == "draft"
    body = article.body
    assert "<h2>调查背景</h2>" in body
    assert "<strong>加速扩产</strong>" in body and "<strong>设备订单</strong>" in body
    assert re.search(rf'<a href="{re.escape(LINK)}"[^>]*>行业协会报告</a>', body)
    assert re.search(rf'<img[^>]* src="{re.escape(IMAGE)}"', body) and 'alt="晶圆检测设备"' in body
    assert "<figcaption>生产线上的晶圆</figcaption>" in body
    # The writer may save and submit, but not publish or schedule.
    expect(writer.locator('input[name="_submit"]')).to_be_visible()
    expect(writer.locator('[name="_publish"], [name="_schedule"], [name="schedule_at"]')).to_have_count(0)

    writer.locator('input[name="_submit"]').click()
    expect(messages(writer)).to_contain_text(TITLE)
    article.refresh_from_db()
    assert article.status == "review"
    expect(writer.locator('input[name="_submit"]')).to_have_count(0)
    shot(writer, screenshots, "02-writer-submitted")

    # The editor finds it in the review queue and sends it back with a note.
    editor = new_context("desktop").new_page()
    log_in(editor, "zhang")
    open_from_review_queue(editor, TITLE)
    expect(editor.locator('input[name="_publish"]')).to_be_visible()
    editor.locator("details:has(textarea#id_workflow_note) > summary").click()
    editor.locator("textarea#id_workflow_note").fill(NOTE)
    shot(editor, screenshots, "03-editor-request-changes")
    editor.locator('input[name="_request_changes"]').click()
    expect(messages(editor)).to_contain_text(TITLE)
    article.refresh_from_db()
    assert article.status == "draft"

    # The writer sees the note, fixes the text and submits again.
    writer.reload()
    expect(writer.locator(".workflow-note")).to_contain_text(NOTE)
    shot(writer, screenshots, "04-writer-sees-note")
    editor_area(writer).locator("p").first.click()
    writer.keyboard.press("End")
    writer.keyboard.type("据行业协会统计，三季度设备订单同比增长三成。")
    writer.locator('input[name="_submit"]').click()
    expect(messages(writer)).to_contain_text(TITLE)
    article.refresh_from_db()
    assert article.status == "review"
    assert "据行业协会统计" in article.body

    # The editor shares a preview (a form of its own beside the change form) ...
    open_from_review_queue(editor, TITLE)
    editor.locator(".workflow-timeline form button").first.click()
    share = messages(editor).locator('a[href*="/preview/shared/"]')
    expect(share).to_have_count(1)
    share_url = share.get_attribute("href")
    article.refresh_from_db()
    assert article.status == "review", "the share button must not submit the change form"
    reader = new_context("phone").new_page()
    reader.goto(share_url)
    expect(reader.locator(".preview-banner")).to_be_visible()
    expect(reader.locator("h1")).to_have_text(TITLE)
    shot(reader, screenshots, "05-reader-shared-preview")

    # ... and schedules it a few seconds ahead, in the site's time zone.
    when = (timezone.localtime() + dt.timedelta(seconds=6)).replace(microsecond=0)
    editor.locator("details:has(#id_schedule_at) > summary").click()
    editor.locator("#id_schedule_at").fill(when.strftime("%Y-%m-%dT%H:%M:%S"))
    editor.locator('input[name="_schedule"]').click()
    expect(messages(editor)).to_contain_text("定时发布于")
    shot(editor, screenshots, "06-editor-scheduled")
    article.refresh_from_db()
    assert article.status == "published" and article.published_at > timezone.now()

    # The reader does not see it yet ...
    reader.goto("/")
    expect(reader.get_by_role("link", name=TITLE)).to_have_count(0)
    assert reader.goto(article.get_absolute_url()).status == 404

    # ... and does once the time has come, with no job run in between.
    deadline = when + dt.timedelta(seconds=20)
    while timezone.now() < deadline:
        reader.goto("/")
        if reader.get_by_role("link", name=TITLE).count():
            break
        reader.wait_for_timeout(1000)
    assert timezone.now() >= when
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.locator("h1")).to_have_text(TITLE)
    text = reader.locator(".article__body")
    expect(text.locator("h2")).to_have_text("调查背景")
    expect(text.locator("strong").first).to_have_text("加速扩产")
    expect(text.locator(f'a[href="{LINK}"]')).to_be_visible()
    expect(text.locator('img[alt="晶圆检测设备"]')).to_have_attribute("src", IMAGE)
    expect(text).to_contain_text("据行业协会统计")
    expect(reader.locator(".meta .bylines")).to_have_text("王明")
    shot(reader, screenshots, "07-reader-sees-it")


def test_second_save_is_refused_and_keeps_the_text(roles, make_member, new_context, screenshots):
    from articles.models import Article

    writer_user = make_member("wang", "writer", byline="王明")
    make_member("zhang", "editor", full_name="Wei Zhang")
    article = Article.objects.create(title="港口吞吐量快讯", body="<p>初稿正文。</p>", created_by=writer_user)
    article.set_authors([writer_user.author_profile])
    change_url = f"/admin/articles/article/{article.pk}/change/"

    # Both open the article.
    writer = new_context("desktop").new_page()
    log_in(writer, "wang")
    writer.goto(change_url)
    editor = new_context("desktop").new_page()
    log_in(editor, "zhang")
    editor.goto(change_url)

    # The editor saves first.
    editor.locator("#id_title").fill("港口吞吐量快讯（编辑改）")
    editor.locator('input[name="_continue"]').click()
    expect(messages(editor)).to_be_visible()
    article.refresh_from_db()
    assert article.title == "港口吞吐量快讯（编辑改）"

    # The writer, still on the old form, saves too: refused, naming the editor, text kept.
    writer.locator("#id_title").fill("港口吞吐量快讯（记者改）")
    editor_area(writer).locator("p").first.click()
    writer.keyboard.press("End")
    writer.keyboard.type("记者补充的一句话。")
    writer.locator('input[name="_continue"]').click()
    writer.wait_for_load_state("load")
    refusal = writer.locator(".errornote, .errorlist.nonfield")
    expect(refusal.last).to_contain_text("Wei Zhang")
    expect(refusal.last).to_contain_text("未保存")
    expect(writer.locator("#id_title")).to_have_value("港口吞吐量快讯（记者改）")
    expect(editor_area(writer)).to_contain_text("记者补充的一句话。")
    shot(writer, screenshots, "08-stale-save-refused")

    article.refresh_from_db()
    assert article.title == "港口吞吐量快讯（编辑改）"
    assert "记者补充的一句话" not in article.body
