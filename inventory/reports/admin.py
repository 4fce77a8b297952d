"""The moderation queue in the Django admin: filter by status, confirm/resolve/reject.

Reports come only from citizens, so the admin never adds one; editors change the status
(and their note), which stamps `moderated_at`, `moderated_by` and `resolved_at`.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..choices import ReportStatus
from .models import HotspotReport
from .services import moderate


def format_duration(delta) -> str:
    """A response time as "2 h 05 m" (or "–" when not moderated)."""
    if delta is None:
        return "–"
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours:02d} h"
    return f"{hours} h {minutes:02d} m"


def _moderate_action(status: ReportStatus, label):
    def action(modeladmin, request, queryset):
        with transaction.atomic():
            reports = list(queryset.select_for_update(of=("self",)))
            for report in reports:
                moderate(report, request.user, status=status)
        modeladmin.message_user(
            request,
            ngettext("%(n)d laporan ditandai %(status)s.", "%(n)d laporan ditandai %(status)s.",
                     len(reports)) % {"n": len(reports), "status": status.label},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{status.value}"
    return admin.action(description=label, permissions=["change"])(action)


class ModerationForm(forms.ModelForm):
    """The editable part of a report: status and the editor's note."""

    class Meta:
        model = HotspotReport
        fields = ("status", "moderator_note")

    def clean_status(self):
        """A report that has been handled cannot go back to "new"."""
        status = self.cleaned_data["status"]
        if status == ReportStatus.NEW and self.initial.get("status") != ReportStatus.NEW:
            raise forms.ValidationError(
                _("Laporan yang sudah ditanggapi tidak dapat kembali berstatus baru."))
        return status


@admin.register(HotspotReport)
class HotspotReportAdmin(admin.ModelAdmin):
    """Citizen reports, newest first, with how long the first response took."""

    form = ModerationForm
    list_display = ("created", "hotspot", "kind", "status", "short_note", "distance_m",
                    "response_time", "moderated_by")
    list_filter = ("status", "kind", "created")
    list_select_related = ("hotspot", "moderated_by")
    search_fields = ("hotspot__name", "note", "moderator_note")
    date_hierarchy = "created"
    list_per_page = 50
    fields = ("hotspot", "kind", "note", "reporter_location", "distance_m", "created",
              "status", "moderator_note", "moderated_at", "moderated_by", "resolved_at",
              "response_time")
    readonly_fields = ("hotspot", "kind", "note", "reporter_location", "distance_m",
                       "created", "moderated_at", "moderated_by", "resolved_at",
                       "response_time")
    actions = [
        _moderate_action(ReportStatus.CONFIRMED, _("Konfirmasi laporan terpilih")),
        _moderate_action(ReportStatus.RESOLVED, _("Tandai selesai")),
        _moderate_action(ReportStatus.REJECTED, _("Tolak laporan terpilih")),
    ]

    def get_queryset(self, request):
        """Annotate the response time so that the column sorts in the database."""
        return super().get_queryset(request).annotate(
            response=F("moderated_at") - F("created"))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("keterangan"))
    def short_note(self, obj):
        return obj.note if len(obj.note) <= 60 else f"{obj.note[:59]}…"

    @admin.display(description=_("lokasi pelapor"))
    def reporter_location(self, obj):
        return f"{obj.location.y:.4f}, {obj.location.x:.4f}" if obj.location else "–"

    @admin.display(description=_("waktu tanggap"), ordering="response")
    def response_time(self, obj):
        return format_duration(obj.response_time)

    def save_model(self, request, obj, form, change):
        """Save the editor's status and note through `moderate`, which stamps who and when."""
        if not change:
            return super().save_model(request, obj, form, change)
        if form.has_changed():
            stored = HotspotReport.objects.get(pk=obj.pk)
            status = obj.status if "status" in form.changed_data else None
            note = obj.moderator_note if "moderator_note" in form.changed_data else None
            obj.status = stored.status
            moderate(obj, request.user, status=status, moderator_note=note)
