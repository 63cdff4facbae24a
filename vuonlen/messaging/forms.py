from django import forms
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import ServiceErrorsMixin, StyledFormMixin

from .models import Channel


class ContactPreferenceForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Nhận tin báo việc mới qua"), choices=Channel.choices)
    phone = forms.CharField(label=_("Số điện thoại di động (nhận SMS)"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    zalo_user_id = forms.CharField(label=_("Mã người dùng Zalo"), required=False, max_length=40,
                                   help_text=_("Mã Official Account gửi cho bạn khi bạn bấm “Quan tâm”."),
                                   widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
