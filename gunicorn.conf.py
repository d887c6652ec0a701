"""gunicorn settings for production (`scripts/production.sh`); everything comes from the environment.

preload_app stays off: each worker builds its own app and so its own database pool (connections are never
shared across fork), `kill -HUP` reloads new code, and the app is small enough that copy-on-write would save little.
"""
import multiprocessing
import os

_host = os.environ.get("HOST", "127.0.0.1")
_port = os.environ.get("PORT", "8000")
bind = os.environ.get("BIND", f"{_host}:{_port}").split(",")

# 2 × cores + 1, capped: every worker holds its own pool of database connections (up to pool_size + overflow).
_default_workers = min(2 * multiprocessing.cpu_count() + 1, int(os.environ.get("WEB_CONCURRENCY_MAX", "12")))
workers = int(os.environ.get("WEB_CONCURRENCY", _default_workers))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = False

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a stuck worker is restarted after this
graceful_timeout = 30                                      # time to finish requests on SIGTERM
keepalive = 5                                              # behind a proxy that reuses connections
max_requests = 5000                                        # recycle workers slowly, against slow leaks
max_requests_jitter = 500
limit_request_line = 8190

# The app trusts X-Forwarded-* through ProxyFix (PROXY_FIX_X_*) only; gunicorn itself does not interpret them.
forwarded_allow_ips = "127.0.0.1"
secure_scheme_headers = {}

# Access log without personal data: no client address, no query string (it can hold search terms or
# tokens), no user agent or referrer. %(U)s is the path alone; %(M)s the duration in milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "handbook"
