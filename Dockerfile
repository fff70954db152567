# Hedgehog's container image: `hedgehog` is the entry point, `run` the default command.
#
#   docker build -t hedgehog .
#   docker run --rm -e TELEGRAM_BOT_TOKEN_FILE=/run/secrets/token -v ./token:/run/secrets/token:ro hedgehog
#
# Two stages: the first installs Hedgehog and its dependencies into a virtual environment,
# trims what never runs (tests, pip, the ONNX Runtime C library the Python binding does not
# load, its model-conversion tools) and compiles it to bytecode once (the user cannot write
# it, and without it each start takes about 8 s longer). Nothing is `strip`ped: that breaks
# the libraries auditwheel patched, numpy's OpenBLAS among them, and with it the crisis
# detector's trained layer. The second stage is the slim Python base, that virtual
# environment, the dialogues and prompts, and a user without a login or a home to write in.
# No compiler or package manager of ours is left in the final image.
#
# Behind a TLS-inspecting proxy, hand pip the proxy's CA certificate (PEM, public) for the
# build stage only (it never reaches the final image):
#   docker build --build-arg PIP_CERT_PEM="$(cat /path/to/proxy-ca.pem)" .
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG PIP_CERT_PEM=""
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/hedgehog
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN if [ -n "$PIP_CERT_PEM" ]; then printf '%s\n' "$PIP_CERT_PEM" > /tmp/ca.pem; export PIP_CERT=/tmp/ca.pem; fi; \
    /opt/hedgehog/bin/pip install --no-compile . \
    && /opt/hedgehog/bin/pip uninstall -y -q pip setuptools \
    && cd /opt/hedgehog/lib/python3*/site-packages \
    && rm -rf onnxruntime/capi/libonnxruntime.so* onnxruntime/transformers onnxruntime/quantization onnxruntime/tools \
    && find . -depth \( -name tests -o -name __pycache__ \) -type d -path './*/*' \
         -not -path './bot/*' -exec rm -rf {} + \
    && find . \( -name '*.pyi' -o -name '*.pxd' -o -name '*.pyx' \) -delete \
    && python3 -m compileall -q -j 0 /opt/hedgehog/lib \
    && rm -f /tmp/ca.pem

FROM ${PYTHON_IMAGE}
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin hedgehog \
    && mkdir -p /var/lib/hedgehog && chown hedgehog:hedgehog /var/lib/hedgehog
COPY --from=build /opt/hedgehog /opt/hedgehog
COPY dialogues /app/dialogues
COPY prompts /app/prompts
ENV PATH=/opt/hedgehog/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HEDGEHOG_DIALOGUES_DIR=/app/dialogues \
    HEDGEHOG_PROMPTS_DIR=/app/prompts \
    HEDGEHOG_DATA_DIR=/var/lib/hedgehog \
    HEDGEHOG_LOG_FORMAT=json \
    HEDGEHOG_HEALTH_HOST=0.0.0.0 \
    HEDGEHOG_HEALTH_PORT=9090
USER hedgehog
WORKDIR /var/lib/hedgehog
VOLUME /var/lib/hedgehog
# 8443: the webhook (hedgehog run --webhook URL --listen 0.0.0.0:8443); 9090: /healthz, /readyz, /metrics
EXPOSE 8443 9090
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HEDGEHOG_HEALTH_PORT', '9090'), timeout=3)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["hedgehog"]
CMD ["run"]
