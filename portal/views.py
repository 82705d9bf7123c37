"""The portal's home: its services as large tiles, for a thumb on a phone."""

from portal.pages import page


def home(request):
    return page(request, "portal/home.html")
