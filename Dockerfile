# plotly.js with only the trace types our figures use, built from plotly-bundle/'s pinned packages (see the
# Makefile's static target); the image itself needs no Node.js.
FROM node:22-bookworm-slim AS plotly-bundle
WORKDIR /build
COPY plotly-bundle/package.json plotly-bundle/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY plotly-bundle/index.js plotly-bundle/build.mjs ./
RUN node build.mjs dist/plotly.min.js

FROM python:3.13-slim-bookworm

# STATIC_ROOT: collectstatic fills it at build time, inside the image, where the running app looks (the compose
# file sets the same path).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 BROWSER_PATH=/usr/bin/chromium DATA_DIR=/data \
    STATIC_ROOT=/app/data/static
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY workbench ./workbench
COPY policies ./policies
COPY seeds ./seeds
COPY docs/case-format.md ./docs/case-format.md
COPY manage.py ./
COPY --from=plotly-bundle /build/dist/plotly.min.js policies/static/vendor/plotly.min.js
RUN pip install --no-cache-dir . \
    && (ls policies/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1 && python manage.py compilemessages || true) \
    && DATA_DIR=/tmp/build python manage.py collectstatic --noinput -v 0

RUN useradd --create-home workbench && mkdir -p /data && chown workbench /data
USER workbench
EXPOSE 8000
CMD ["gunicorn", "workbench.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--worker-class=gthread", "--threads=4", "--keep-alive=75"]
