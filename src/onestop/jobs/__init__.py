"""Background work: the engine that runs it (Django's Tasks API with its database backend),
the periodic jobs as data (schedule.yaml), and the worker process that `onestop serve` starts
beside the server or `onestop worker` runs alone (docs/jobs.md, docs/adr/0008-background-jobs.md).
"""
