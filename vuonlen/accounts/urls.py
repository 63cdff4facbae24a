from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from . import account_views, views
from .forms import LoginForm, PasswordForm

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("dang-xuat/", login_not_required(views.SignOutView.as_view()), name="logout"),
    path(
        "doi-mat-khau/",
        views.AuditedPasswordChangeView.as_view(
            form_class=PasswordForm, success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("to-chuc/", views.organisation_list, name="organisation_list"),
    path("chuyen-doi/", views.switchover, name="switchover"),
    path("to-chuc/moi/", account_views.organisation_new, name="organisation_new"),
    path("to-chuc/<int:pk>/sua/", account_views.organisation_edit, name="organisation_edit"),
    path("quan-ly/", account_views.account_list, name="account_list"),
    path("quan-ly/moi/", account_views.account_new, name="account_new"),
    path("quan-ly/<int:pk>/", account_views.account_detail, name="account_detail"),
]
