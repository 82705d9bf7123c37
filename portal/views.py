"""The portal's home and the placeholders of the pages still to come."""

from portal.pages import page


def home(request):
    return page(request, "portal/home.html")


transactions = services = grant = investment = verify = home
