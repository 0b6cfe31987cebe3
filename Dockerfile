# The self-hosted web endpoint (web/: flask-ask-sdk under gunicorn) as a container.
# Build it with `make image` (tools/container/web_image.sh): the base is Debian trixie's
# python3.13 built offline by tools/container/base_images.sh, and the Python packages come
# from build/wheelhouse/, downloaded from PyPI on the host with the same pins
# (requirements-web.txt), so the build itself needs no network.
# Alexa calls only HTTPS: put a TLS reverse proxy in front (docs/deploy.md).
ARG BASE=trigger-point-guide/python:3.13-slim
FROM ${BASE}

RUN useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin skill
WORKDIR /app
COPY requirements-web.txt ./
COPY lambda/requirements.txt lambda/
COPY build/wheelhouse /tmp/wheelhouse
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --quiet --no-cache-dir --no-index --find-links /tmp/wheelhouse \
       -r requirements-web.txt \
    && rm -rf /tmp/wheelhouse
COPY skill/ skill/
COPY web/ web/

USER skill
ENV PATH=/opt/venv/bin:/usr/bin:/bin HOST=0.0.0.0 PORT=8080 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/healthz', timeout=2)"]
# SKILL_ID (required) and WEB_WORKERS, WEB_THREADS from `docker run -e`.
CMD ["gunicorn", "--config", "web/gunicorn.conf.py", "web.wsgi:app"]
