"""The public report form of the hotspot page and map popup (no account needed)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import ReportKind
from .models.reports import NOTE_MAX_LENGTH
from .services import check_submission, submit_report


class HotspotReportForm(forms.Form):
    """Kind, optional note and optional location of a report, plus a spam trap.

    `website` is a honeypot: hidden from people, filled by naive bots; a filled one refuses
    the report without saving anything.
    """

    kind = forms.ChoiceField(label=_("Apa yang terjadi?"), choices=ReportKind.choices,
                             widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Keterangan (opsional)"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=_("Jangan menulis nama, nomor telepon atau data pribadi lain."),
    )
    lat = forms.FloatField(label=_("Lintang"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Bujur"), required=False, min_value=-180, max_value=180)
    website = forms.CharField(label=_("Jangan diisi"), required=False, max_length=200)

    def __init__(self, *args, hotspot, **kwargs):
        super().__init__(*args, **kwargs)
        self.hotspot = hotspot
        self.location = None

    def clean(self):
        """Apply the shared rules: spam trap, complete location, not too far away."""
        data = super().clean()
        if self.errors:
            return data
        try:
            self.location = check_submission(
                self.hotspot, website=data.get("website", ""),
                lat=data.get("lat"), lon=data.get("lon"),
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def save(self):
        """Store the report and return it."""
        return submit_report(self.hotspot, self.cleaned_data["kind"],
                             self.cleaned_data["note"], self.location)
