"""Local development and `make demo`."""

from config import env
from config.settings.base import *

DEBUG = env.boolean("ARDH_DEBUG", True)
