# TREC Hub production image: gunicorn (web), celery worker and beat share it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production

WORKDIR /app
RUN useradd --create-home --uid 1000 trec
# A CJK font so certificates and transcripts print Chinese, Japanese and Korean names
# (trec/pdf.py; DejaVu for everything else ships in static/fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-droid-fallback \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml requirements.lock README.md ./
RUN pip install -c requirements.lock .
COPY . .
RUN SECRET_KEY=build-only-collectstatic-key ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R trec /app/var

USER trec
EXPOSE 8000
# Workers, threads, request limits and headers: gunicorn.conf.py.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--access-logfile", "-", "trec.wsgi:application"]
