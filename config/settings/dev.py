"""Local development and `make demo`."""

from config import env
from config.settings.base import *

DEBUG = env.boolean("ARDH_DEBUG", True)
ARDH_SADAD_BANK_PAGE = env.string("ARDH_SADAD_BANK_PAGE", f"{ARDH_SADAD_URL}/bank/")  # the simulator's bank page
