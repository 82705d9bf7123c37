"""Local development and `make demo`."""

from config.settings.base import *  # noqa: F403
from config import env

DEBUG = env.boolean("ARDH_DEBUG", True)
