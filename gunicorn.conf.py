"""gunicorn settings for TREC Hub's web container (Dockerfile, docker-compose.yml).

gunicorn reads this file by itself when started from the project directory; command
line options (e.g. ``--bind`` in `make bench`) override it.
"""

import gunicorn.http.wsgi

bind = "0.0.0.0:8000"
worker_class = "gthread"
workers = 2
threads = 4

# Request line and headers: gunicorn refuses larger ones with a 400 before Django runs.
# Bodies are capped by the hub itself (settings.REQUEST_BODY_MAX_BYTES, a 413) and by the
# reverse proxy in front (client_max_body_size; README "Security").
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Say nothing about the server software: gunicorn has no setting for its "Server"
# header, so its response writer leaves the line out.
_default_headers = gunicorn.http.wsgi.Response.default_headers


def _without_server_header(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


gunicorn.http.wsgi.Response.default_headers = _without_server_header
