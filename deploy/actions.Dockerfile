# The action server (actions/, formats/) on rasa-sdk, without Rasa or TensorFlow:
# deploy/requirements-actions.txt is the lock's share actions/ imports.
# Build from the repository's root: docker build -f deploy/actions.Dockerfile -t hotline-actions .
# HOTLINE_ACTIONS_TOKEN and HOTLINE_API_TOKEN come from the environment at run time, never here.

FROM python:3.10-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv && /opt/venv/bin/pip install "pip==24.2"
COPY deploy/requirements-actions.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-deps -r /tmp/requirements.txt && /opt/venv/bin/pip check

FROM python:3.10-slim
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin hotline
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY formats/ formats/
COPY actions/ actions/
# The services directory the local-help action reads (HOTLINE_SERVICES_DIRECTORY).
COPY data/directory/ data/directory/
# The FallbackClassifier's threshold, which decides the turns reported for review (actions/review.py).
COPY config.yml ./
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOTLINE_ACTIONS_HOST=0.0.0.0
USER 10001:10001
EXPOSE 5055
# /health is the one path the action server answers without its token.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
CMD ["python", "-m", "actions.server", "--port", "5055"]
