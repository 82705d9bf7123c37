"""The staff work inbox (issue 17): lists of cases, the case page with its steps, the application form.

Pages are rendered on the server (decision 016); the map on them is the planners' map code
(``web/static/web/map``). Reads go through ``cases.selectors``, writes through ``cases.services``.
"""
