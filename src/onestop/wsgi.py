"""The WSGI application, for `onestop serve` and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

from onestop.file_modes import PRIVATE_UMASK
from onestop.request_size import BodyLimit

# Before settings are read: a server started here writes files only its owner can read
# (file_modes.py).
os.umask(PRIVATE_UMASK)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
# Outermost: a request body over its limit is cut off before Django reads any of it.
application = BodyLimit(get_wsgi_application())
