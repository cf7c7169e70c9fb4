"""Gunicorn's settings for ``spona serve`` (read by Gunicorn's master, which never loads
Django: a graceful reload, SIGHUP, starts workers that load the code anew).

Every value can be changed through the environment; see docs/deploy.md.
"""

import gc
import os

from spona.ops.logs import logging_config

#: CPU-bound Python: about two processes per core (one runs while the other waits on the
#: database), plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
#: a request running longer is killed with its worker (and its transaction rolled back)
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
#: workers are replaced now and then, so that no slow leak grows without end
max_requests = 5000
max_requests_jitter = 500
#: X-Forwarded-For/-Proto are believed only from these addresses (the reverse proxy)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "spona"
#: several servers may run on one machine; they are managed by signals, not a socket
control_socket_disable = True
accesslog = None  # Spona logs each request itself, as JSON, with its request id
_json = os.environ.get("LOG_JSON", "true").lower() in {"1", "true", "yes", "on"}
logconfig_dict = {
    **logging_config(level=os.environ.get("LOG_LEVEL", "WARNING"), json_lines=_json),
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}


def post_worker_init(worker: object) -> None:
    """Once a worker has loaded the application, load the views too (the URLconf imports
    them; the first request would) and move every object alive then out of the garbage
    collector's sight (``gc.freeze``): they live as long as the worker, and the oldest
    generation's collections no longer walk the hundreds of thousands of them. Measured in
    one process over the load mix: the collector's CPU 0.38 → 0.14 ms a request
    (docs/performance.md, "The garbage collector after start-up")."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - populates the URLconf, importing every view
    gc.collect()
    gc.freeze()
