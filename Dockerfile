# The e-Office application image (web, worker, beat and the one-shot migrate service share it).
# Stage 1 installs the front-end packages from package-lock.json; stage 2 installs the pinned Python
# packages and collects static files; the final stage has no node, no build tools and runs as a
# non-root user. See docker-compose.yml.

FROM node:22.12.0-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11.11-slim-bookworm AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /app
# Only [project].dependencies (exact == pins), read from pyproject.toml; no dev tools in the image.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
 && pip install -r /tmp/requirements.txt
COPY . .
COPY --from=assets /src/node_modules ./node_modules
# Build-time only settings: nothing here connects to a database.
RUN export EOFFICE_DEV=1 EOFFICE_STATIC_ROOT=/app/staticfiles \
 && if python manage.py help compile_translations >/dev/null 2>&1; then python manage.py compile_translations; fi \
 && python manage.py collectstatic --noinput -v 0 \
 && rm -rf node_modules

FROM python:3.11.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    EOFFICE_STATIC_ROOT=/app/staticfiles EOFFICE_MEDIA_ROOT=/data/media
RUN apt-get update \
 && apt-get install -y --no-install-recommends poppler-utils qpdf libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    libreoffice-core-nogui libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin eoffice \
 && mkdir -p /data/media /data/files && chown eoffice /data/media /data/files
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER eoffice
EXPOSE 8000
CMD ["gunicorn", "eoffice.wsgi:application", "--bind=0.0.0.0:8000", "--workers=4", "--access-logfile=-"]
