"""gunicorn's settings for the portal: `gunicorn -c gunicorn.conf.py 'portal:create_app()'`.

Workers are processes, each with threads: a request mostly waits on PostgreSQL or the
payment provider, so threads serve the waiting and processes use the cores. The
count follows the cores (2 per core plus 1, gunicorn's own advice) unless
WEB_CONCURRENCY says otherwise; PORTAL_BIND is the address (behind nginx, a local
port or a socket).
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
# Up to DONATION_WAIT_SLOTS (8) of them may be waiting for a donor's payment, idle,
# and the other 4 serve everything else.
threads = int(os.environ.get("PORTAL_THREADS") or 12)
# A worker silent this long is killed and replaced; the slowest page (a monthly
# report) finishes well within it.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Workers are recycled now and then, so that a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# nginx sets X-Forwarded-*; the portal trusts them through TRUSTED_PROXIES, not gunicorn.
forwarded_allow_ips = "127.0.0.1"
# gunicorn's control socket is one per user by default: two instances on one machine
# would share it. The portal needs none.
control_socket_disable = True
