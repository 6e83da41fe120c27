"""The WSGI application, for `onestop serve` and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

from onestop.cli import PRIVATE_UMASK

# Before settings are read: a server started here writes files only its owner can read (cli.py).
os.umask(PRIVATE_UMASK)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
application = get_wsgi_application()
