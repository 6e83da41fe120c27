"""The modes of what the service writes, for every way it is started (cli.py, wsgi.py).

Everything the service writes (the SQLite database and its -wal and -shm files, keys, secrets,
uploaded files, backups) is its owner's alone: files 0600, folders 0700, whatever the umask of
whoever starts it. The database holds session keys, staff ones among them, which any local
account reading it could replay (GB/T 22239-2019 8.1.4.2 f: access control down to the file).
"""

PRIVATE_UMASK = 0o077
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700
