# The assistant: Rasa 3.6.21 (python -m bot.server, Rasa with the hotline's runtime fixes), bot/,
# the trained model and the spaCy pipeline it loads by path (config.yml: build/spacy-hotline).
# Train first (`make train` writes models/hotline.tar.gz and build/spacy-hotline), then build
# from the repository's root: docker build -f deploy/assistant.Dockerfile -t hotline-assistant .
# HOTLINE_RASA_TOKEN, HOTLINE_ACTIONS_TOKEN and HOTLINE_TRACKER_KEYS come from the environment at
# run time, never here. Only models built by this project are loaded (CVE-2024-49375: 3.6.21).

FROM python:3.10-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv && /opt/venv/bin/pip install "pip==24.2"
COPY deploy/requirements-assistant.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-deps -r /tmp/requirements.txt && /opt/venv/bin/pip check

FROM python:3.10-slim
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin hotline
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY config.yml ./
COPY formats/ formats/
COPY bot/ bot/
COPY build/spacy-hotline/ build/spacy-hotline/
COPY models/hotline.tar.gz models/hotline.tar.gz
# HOME=/tmp: Rasa and matplotlib keep small settings files under $HOME, and the model is unpacked
# under /tmp (the manifests mount a writable /tmp and keep the rest read-only).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2
USER 10001:10001
EXPOSE 5005
# Rasa's root answers once the model is loaded (no token needed); loading takes ~30 s on 2 cores.
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/', timeout=4)"]
# As scripts/stack.py runs it; the shell only puts the JWT secret from the environment in place.
CMD ["sh", "-c", "exec python -m bot.server run --enable-api --jwt-secret \"$HOTLINE_RASA_TOKEN\" --jwt-method HS256 --model models/hotline.tar.gz --endpoints bot/endpoints.yml --credentials bot/credentials.yml --interface 0.0.0.0 --port 5005"]
