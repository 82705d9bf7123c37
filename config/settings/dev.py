"""Local development and `make demo`."""

from config import env
from config.settings.base import *

DEBUG = env.boolean("ARDH_DEBUG", True)
ARDH_SADAD_BANK_PAGE = env.string("ARDH_SADAD_BANK_PAGE", f"{ARDH_SADAD_URL}/bank/")  # the simulator's bank page
# The demo shows every SMS on /outbox/ (the portal's sign-in codes included): there is no real SMS here.
ARDH_OUTBOX_PUBLIC = env.boolean("ARDH_OUTBOX_PUBLIC", True)
