"""The Celery entry point: `celery -A portal.worker worker` and `celery -A portal.worker beat`.

Importing it builds the portal's app from the environment (the same settings as the
web processes) and the Celery app of its periodic jobs.
"""

from __future__ import annotations

from portal import create_app
from portal.celery_app import make_celery

flask_app = create_app()
celery = make_celery(flask_app)
