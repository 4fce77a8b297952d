"""Forms of the geo pages."""

from django import forms
from django.utils.translation import gettext_lazy

from .scoring.methodology import available


class AssessorForm(forms.Form):
    """Date, methodology and an optional second date to compare with."""

    as_of = forms.DateField(label=gettext_lazy("Per tanggal"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    methodology = forms.ChoiceField(label=gettext_lazy("Metodologi"), required=False,
                                    choices=[(name, name) for name in available()])
    compare_with = forms.DateField(label=gettext_lazy("Bandingkan dengan tanggal"),
                                   required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
