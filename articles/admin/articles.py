"""Articles in the admin, by role.

Writers see their own articles and edit them while they are drafts; their
buttons save and submit. Editors see everything and decide: publish now,
schedule, request changes, unpublish. Status itself is never a form field:
every move goes through ``articles.workflow``.
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

from .. import revisions, workflow
from ..fields import CleanHTML
from ..images.forms import UploadedImageField
from ..images.localise import Localiser, localise_article
from ..images.store import EDITOR_FOLDER, store_clean
from ..models import Article, ArticleEvent, Byline
from ..previews import share_url
from ..sanitizer import MAX_DEPTH, clean_html_with_report, nesting_depth
from .diff import compare_snapshots
from .readonly import EditorsReadOnlyMixin

Status = Article.Status

# The rich-text editor's tools; the sanitiser stays the final guard.
EDITOR_CONFIG = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Strike": True,
        "Underline": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "ListItem": True,
        "OrderedList": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "Link": {"enableTarget": False},
        "Image": True,
        # "Browse…" in the figure dialog opens our upload page (a CKEditor-style
        # file picker, which the editor supports), so an uploaded image is
        # checked, cleaned and given renditions like any other.
        "Figure": {"pickerUrl": reverse_lazy("admin:articles_article_image_upload")},
        "Caption": True,
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "CodeBlock": True,
        "HTML": True,
        "History": True,
    }
}

WORKFLOW_BUTTONS = ("_submit", "_publish", "_schedule", "_request_changes", "_unpublish")


def scheduled_label(article):
    """"scheduled for 6月20日 09:00", "published", "in review" …"""
    if article.status == Status.PUBLISHED and article.published_at and article.published_at > timezone.now():
        when = format_date(timezone.localtime(article.published_at), pgettext("schedule time", "M j, H:i"))
        return _("scheduled for %(when)s") % {"when": when}
    return article.get_status_display()


class StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("review", _("In review")),
            ("scheduled", _("Scheduled")),
            ("live", _("Published")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "draft":
            return queryset.drafts()
        if value == "review":
            return queryset.in_review()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.published()
        return queryset


class BylineInline(admin.TabularInline):
    """Bylines in order; whoever may edit the article may edit its bylines."""

    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = gettext_lazy("byline")
    verbose_name_plural = gettext_lazy("bylines (in order)")

    def _article_admin(self):
        return self.admin_site._registry[Article]

    def has_view_permission(self, request, obj=None):
        return self._article_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if obj is None:
            return self._article_admin().has_add_permission(request)
        return self._article_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


# The head image and its words, in the form and in its "Images" fieldset.
IMAGE_FIELDS = [
    "head_image", "head_image_url", "head_image_alt", "head_image_caption", "head_image_credit", "thumbnail_url",
]  # fmt: skip


class ArticleForm(forms.ModelForm):
    # The version the form was opened at: a save from an older one is refused.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Checked by its content and re-encoded without metadata (articles.images).
    head_image = UploadedImageField(label=capfirst(gettext_lazy("head image")), required=False)

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "categories",
            "tags",
            "allow_comments",
            *IMAGE_FIELDS,
        ]
        widgets = {"body": AdminProseEditorWidget(config=EDITOR_CONFIG, preset="configurable")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["base_version"] = self.instance.version

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        depth = nesting_depth(body)
        if depth > MAX_DEPTH:
            raise ValidationError(
                _("The text nests HTML elements %(depth)s levels deep; at most %(limit)s are allowed."),
                code="too_deep",
                params={"depth": depth, "limit": MAX_DEPTH},
            )
        cleaned, removed = clean_html_with_report(body)
        self.sanitizer_removed = removed
        return CleanHTML(cleaned)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self._refuse_stale_form()
        self._check_workflow_inputs()
        return cleaned_data

    def _refuse_stale_form(self):
        # Locked until the save commits, so two saves cannot both pass.
        # of=("self",): PostgreSQL cannot lock the nullable side of the join.
        current = Article.objects.select_for_update(of=("self",)).select_related("last_edited_by").get(pk=self.instance.pk)
        if current.version == self.cleaned_data.get("base_version"):
            return
        editor = current.last_edited_by
        who = (editor.get_full_name() or editor.get_username()) if editor else _("someone")
        when = format_date(timezone.localtime(current.updated_at), "Y-m-d H:i:s")
        raise ValidationError(
            _(
                "Not saved: %(who)s saved this article at %(when)s, after you opened it. "
                "Your text is kept below; copy what you need, reload the article and apply your changes there."
            )
            % {"who": who, "when": when},
            code="stale",
        )

    def _check_workflow_inputs(self):
        if "_request_changes" in self.data and not self.data.get("workflow_note", "").strip():
            raise ValidationError(_("Say what should change: a note for the writer is required."), code="note")
        if "_schedule" in self.data:
            self.schedule_at = parse_schedule(self.data.get("schedule_at", ""))


def parse_schedule(value):
    """A ``datetime-local`` value, read in the site's time zone; must be in the future."""
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_("Give the publication date and time."), code="schedule") from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when, timezone.get_current_timezone())
    if when <= timezone.now():
        raise ValidationError(_("The publication time must be in the future."), code="schedule")
    return when


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["title", "status_label", "byline_list", "section_list", "last_edited_by", "updated_at"]
    list_filter = [StatusFilter, "categories", ("authors", admin.RelatedOnlyFieldListFilter), "published_at"]
    list_select_related = ["last_edited_by"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories"]
    inlines = [BylineInline]
    readonly_fields = ["status_label", "published_at", "source_key", "created_by", "last_edited_by", "created_at", "updated_at"]
    actions = ["publish_selected", "unpublish_selected", "localise_images_selected"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (gettext_lazy("Filing"), {"fields": ["categories", "tags", "allow_comments"]}),
        (
            gettext_lazy("Images"),
            {
                "fields": IMAGE_FIELDS
            },
        ),
        (
            gettext_lazy("Record"),
            {
                "classes": ["collapse"],
                "fields": ["status_label", "published_at", "source_key", "created_by", "last_edited_by", "created_at", "updated_at"],
            },
        ),
    ]

    # Who sees and edits what --------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("categories", "authors")
        user = request.user
        if workflow.can_publish(user):
            return queryset
        own = Article.objects.filter(Q(created_by=user) | Q(bylines__author__user=user)).values("pk")
        return queryset.filter(pk__in=own)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or workflow.can_publish(request.user) or workflow.is_own(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.can_publish(request.user)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    # Saving --------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)
        removed = getattr(form, "sanitizer_removed", [])
        if removed:
            self.message_user(
                request,
                _("The body was cleaned before saving; removed: %(items)s.") % {"items": "; ".join(removed)},
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        author = getattr(request.user, "author_profile", None)
        if not change and author is not None and not article.bylines.exists():
            article.set_authors([author])
        changed = ", ".join(name for name in form.changed_data if name != "base_version") or _("nothing")
        comment = _("Created") if not change else _("Changed: %(fields)s") % {"fields": changed}
        revisions.record(article, user=request.user, comment=comment)

    def response_add(self, request, obj, post_url_continue=None):
        if self._apply_workflow_button(request, obj):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._apply_workflow_button(request, obj):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _apply_workflow_button(self, request, article):
        """Run the move named by the button pressed; report the outcome."""
        button = next((name for name in WORKFLOW_BUTTONS if name in request.POST), None)
        if button is None:
            return False
        note = request.POST.get("workflow_note", "")
        moves = {
            "_submit": lambda: workflow.submit(article, user=request.user),
            "_publish": lambda: workflow.publish(article, user=request.user),
            "_schedule": lambda: workflow.publish(article, user=request.user, at=parse_schedule(request.POST.get("schedule_at", ""))),
            "_request_changes": lambda: workflow.request_changes(article, user=request.user, note=note),
            "_unpublish": lambda: workflow.unpublish(article, user=request.user, note=note),
        }
        try:
            moves[button]()
        except (workflow.TransitionError, PermissionDenied, ValidationError, ValueError) as error:
            self.message_user(request, _("Saved, but not moved: %(reason)s") % {"reason": _reason(error)}, messages.ERROR)
        else:
            self.message_user(request, _("“%(title)s” is now %(state)s.") % {"title": article.title, "state": scheduled_label(article)})
        return True

    # Bulk moves ----------------------------------------------------------------

    @admin.action(description=gettext_lazy("Publish the selected articles now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, lambda article: workflow.publish(article, user=request.user))

    @admin.action(description=gettext_lazy("Unpublish the selected articles"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, lambda article: workflow.unpublish(article, user=request.user))

    @admin.action(description=gettext_lazy("Copy the selected articles’ remote images here"), permissions=["publish"])
    def localise_images_selected(self, request, queryset):
        """Download the head image, thumbnail and body images of each article
        into media storage (checked like uploads, with renditions) and point
        the article at the copies; an image that fails keeps its address."""
        localiser = Localiser()
        for article in queryset.order_by("pk"):
            result = localise_article(article, localiser, user=request.user)
            for _line, message in result.warnings:
                self.message_user(request, f"{article.title}: {message}", messages.WARNING)
            if result.copied:
                self.message_user(
                    request,
                    _("“%(title)s”: %(count)d image(s) copied.") % {"title": article.title, "count": result.copied},
                )
            elif not result.warnings:
                self.message_user(request, _("“%(title)s”: no remote images.") % {"title": article.title})

    def _bulk(self, request, queryset, move):
        for article in queryset.order_by("pk"):
            try:
                move(article)
            except (workflow.TransitionError, PermissionDenied) as error:
                self.message_user(request, f"{article.title}: {_reason(error)}", messages.WARNING)
            else:
                self.message_user(request, _("“%(title)s” is now %(state)s.") % {"title": article.title, "state": scheduled_label(article)})

    # Columns -----------------------------------------------------------------

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_label(self, article):
        return format_html('<span class="article-status article-status--{}">{}</span>', article.status, scheduled_label(article))

    @admin.display(description=gettext_lazy("sections"))
    def section_list(self, article):
        return ", ".join(category.name for category in article.categories.all())

    @admin.display(description=gettext_lazy("bylines"))
    def byline_list(self, article):
        return ", ".join(author.name for author in article.authors.all())

    # The change page: buttons, note, timeline ----------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        user = request.user
        editor = workflow.can_publish(user)
        status = obj.status if obj else Status.DRAFT
        editable = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        context.update(
            is_editor=editor,
            can_save=editable,
            show_submit=editable and status == Status.DRAFT and not editor,
            show_publish=editor and status in (Status.DRAFT, Status.REVIEW),
            show_schedule=editor and status in (Status.DRAFT, Status.REVIEW),
            show_request_changes=editor and status == Status.REVIEW and obj is not None,
            show_unpublish=editor and status == Status.PUBLISHED,
            status_text=scheduled_label(obj) if obj else Status.DRAFT.label,
        )
        if obj is not None:
            context.update(self._timeline_context(request, obj))
        # The editor's scripts need the page's CSP nonce (an import map is inline).
        context["media"] = Media.from_media(context["media"], nonce=str(request.csp_nonce))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _timeline_context(self, request, article):
        events = list(article.events.select_related("actor")[:50])
        versions = list(revisions.versions_of(article)[:50])
        timeline = [("event", event.created_at, event) for event in events]
        timeline += [("version", version.revision.date_created, version) for version in versions]
        timeline.sort(key=lambda item: item[1], reverse=True)
        change_request = next((event for event in events if event.to_status == Status.DRAFT and event.note), None)
        return {
            "timeline": timeline,
            "versions": versions,
            "change_request": change_request if article.status == Status.DRAFT else None,
            "preview_url": reverse("articles:preview", args=[article.pk]),
        }

    # Extra pages: compare, restore, share ----------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("images/upload/", wrap(self.image_upload_view), name="articles_article_image_upload"),
            path("<path:object_id>/compare/", wrap(self.compare_view), name="articles_article_compare"),
            path("<path:object_id>/restore/<int:version_id>/", wrap(self.restore_view), name="articles_article_restore"),
            path("<path:object_id>/share/", wrap(self.share_view), name="articles_article_share"),
            *super().get_urls(),
        ]

    def _article_for(self, request, object_id, *, change=False):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        allowed = self.has_change_permission(request, article) if change else self.has_view_permission(request, article)
        if not allowed:
            raise PermissionDenied
        return article

    def compare_view(self, request, object_id):
        article = self._article_for(request, object_id)
        versions = {version.pk: version for version in revisions.versions_of(article)}
        try:
            older, newer = (versions[int(request.GET[key])] for key in ("a", "b"))
        except (KeyError, ValueError):
            raise Http404(_("Choose two revisions of this article.")) from None
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Compare revisions of “%(title)s”") % {"title": article.title},
            "article": article,
            "older": older,
            "newer": newer,
            "rows": compare_snapshots(revisions.snapshot(older), revisions.snapshot(newer)),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[object_id]))
        article = self._article_for(request, object_id, change=True)
        version = get_object_or_404(revisions.versions_of(article), pk=version_id)
        article.last_edited_by = request.user
        revisions.restore(article, version, user=request.user)
        self.message_user(request, _("The earlier version is current again (kept as a new revision)."))
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def share_view(self, request, object_id):
        article = self._article_for(request, object_id)
        if request.method != "POST" or not workflow.can_publish(request.user):
            raise PermissionDenied
        link = request.build_absolute_uri(share_url(article))
        self.message_user(
            request,
            format_html(_("Share link (valid for 48 hours, until the article changes): {}"), format_html('<a href="{0}">{0}</a>', link)),
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))


    def image_upload_view(self, request):
        """The rich-text editor's image picker: upload an image (with its alt
        text and caption) and hand it to the editor's figure dialog.

        The editor opens this page in a small window with ``CKEditorFuncNum``;
        after the upload the page calls back into the editor
        (static/admin-extra/image-picker.js). Asked for JSON (``Accept:
        application/json``), it answers ``{"url", "width", "height", "alt",
        "caption"}`` or ``{"errors": …}`` with status 400.
        """
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        wants_json = "application/json" in request.headers.get("Accept", "")
        form = EditorImageForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Upload an image"),
            "form": form,
            "func_num": request.GET.get("CKEditorFuncNum", request.POST.get("CKEditorFuncNum", "")),
            "is_popup": True,
        }
        if request.method == "POST":
            if not form.is_valid():
                if wants_json:
                    return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
                return TemplateResponse(request, "admin/articles/article/image_upload.html", context, status=400)
            upload = form.cleaned_data["image"]
            folder = f"{EDITOR_FOLDER}/{timezone.localdate():%Y/%m}"
            stored = store_clean(upload.clean, f"{folder}/{upload.name}")
            picked = {
                "url": stored.url,
                "width": stored.width,
                "height": stored.height,
                "alt": form.cleaned_data["alt"],
                "caption": form.cleaned_data["caption"],
            }
            if wants_json:
                return JsonResponse(picked)
            context["picked"] = picked
        return TemplateResponse(request, "admin/articles/article/image_upload.html", context)


class EditorImageForm(forms.Form):
    image = UploadedImageField(label=gettext_lazy("Image"))
    alt = forms.CharField(
        label=gettext_lazy("Alt text"),
        max_length=255,
        help_text=gettext_lazy("What the picture shows, for readers who cannot see it (required to publish)."),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=300, required=False)

    def clean_alt(self):
        from ..images.html import lacks_alt

        alt = " ".join(self.cleaned_data["alt"].split())
        if lacks_alt(alt):
            raise ValidationError(_("Describe what the picture shows; “%(alt)s” does not.") % {"alt": alt}, code="alt")
        return alt


def _reason(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@admin.register(ArticleEvent)
class ActivityAdmin(EditorsReadOnlyMixin, admin.ModelAdmin):
    """Recent activity: every workflow move, newest first (editors only)."""

    list_display = ["created_at", "article_link", "actor", "move", "note"]
    list_filter = ["to_status", ("actor", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "actor"]
    list_display_links = None
    search_fields = ["article__title", "note"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("article"), ordering="article__title")
    def article_link(self, event):
        url = reverse("admin:articles_article_change", args=[event.article_id])
        return format_html('<a href="{}">{}</a>', url, event.article.title)

    @admin.display(description=gettext_lazy("move"))
    def move(self, event):
        before = Status(event.from_status).label if event.from_status else "—"
        after = Status(event.to_status).label
        if event.scheduled_for:
            when = format_date(timezone.localtime(event.scheduled_for), pgettext("schedule time", "M j, H:i"))
            after = _("scheduled for %(when)s") % {"when": when}
        return f"{before} → {after}"
