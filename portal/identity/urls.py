from django.urls import path

from portal.identity import views

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("register/", views.register, name="register"),
    path("code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign-out"),
]
