from __future__ import annotations

from django import forms

from .services import VISIT_TOPICS


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="Ngày thăm", widget=forms.DateInput(attrs={"type": "date",
                                                                                   "class": "form-control form-control-lg"}))
    topics = forms.MultipleChoiceField(label="Chủ đề", choices=VISIT_TOPICS, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    discussed = forms.CharField(label="Đã trao đổi", required=False,
                                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    advice = forms.CharField(label="Tư vấn, hướng dẫn", required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    production_model = forms.CharField(label="Mô hình sản xuất hộ chọn", required=False, max_length=300,
                                       widget=forms.TextInput(attrs={"class": "form-control"}))
    next_step = forms.CharField(label="Việc tiếp theo", required=False, max_length=500,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
    photo = forms.ImageField(label="Ảnh (không bắt buộc)", required=False,
                             widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "image/*"}))
