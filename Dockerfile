FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 BROWSER_PATH=/usr/bin/chromium DATA_DIR=/data
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY workbench ./workbench
COPY policies ./policies
COPY seeds ./seeds
COPY manage.py ./
RUN pip install --no-cache-dir . \
    && mkdir -p policies/static/vendor \
    && cp "$(python -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')" policies/static/vendor/ \
    && (ls policies/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1 && python manage.py compilemessages || true) \
    && DATA_DIR=/tmp/build python manage.py collectstatic --noinput -v 0

RUN useradd --create-home workbench && mkdir -p /data && chown workbench /data
USER workbench
EXPOSE 8000
CMD ["gunicorn", "workbench.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
