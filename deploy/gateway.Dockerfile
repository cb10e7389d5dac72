# The gateway (channels/, formats/): gunicorn, and from the same image the RQ worker
# (python -m channels.worker) and the migration step (python -m channels.storage.migrate).
# No Rasa, no TensorFlow: deploy/requirements-gateway.txt is the lock's share the gateway imports.
# Build from the repository's root: docker build -f deploy/gateway.Dockerfile -t hotline-gateway .
# Secrets come from the environment at run time (compose env file, Kubernetes Secret), never here.

FROM python:3.10-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv && /opt/venv/bin/pip install "pip==24.2"
COPY deploy/requirements-gateway.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-deps -r /tmp/requirements.txt && /opt/venv/bin/pip check

FROM python:3.10-slim
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin hotline \
    && mkdir -p /var/lib/hotline/spool && chown -R 10001:10001 /var/lib/hotline
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY gunicorn.conf.py ./
COPY formats/ formats/
COPY channels/ channels/
# The synthetic custody records (HOTLINE_CUSTODY_PROVIDER=sample, a staging site); a real
# deployment sets HOTLINE_CUSTODY_PROVIDER=http.
COPY data/custody/ data/custody/
# The intents the review inbox labels with (channels/review/intents.py reads the domain files).
COPY bot/domain/ bot/domain/
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOTLINE_ENV=production \
    HOTLINE_BIND=0.0.0.0:5000 \
    HOTLINE_SPOOL_DIR=/var/lib/hotline/spool \
    HOTLINE_MIGRATE_AT_START=false \
    HOTLINE_LOG_FORMAT=json
USER 10001:10001
EXPOSE 5000
# Liveness: the process answers (/readyz would fail with the database, and a restart mends nothing).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=4)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "channels:create_app()"]
