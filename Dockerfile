# notion-reconciler in a container: the `reconciler` CLI as entrypoint, run as a non-root user.
#
#   docker build -t notion-reconciler .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" -e NOTION_TOKEN notion-reconciler plan
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" notion-reconciler apply --local --yes
#   docker run -d --user "$(id -u):$(id -g)" -p 8080:8080 -v "$PWD:/work" -e NOTION_TOKEN \
#       -e NOTION_WEBHOOK_TOKEN notion-reconciler serve --listen 0.0.0.0:8080 --auto-apply safe
#
# --user "$(id -u):$(id -g)" runs the container as the owner of the mounted checkout. Without it
# the image's own user (10001) cannot write into a folder that belongs to someone else: the lock
# and journal (.reconciler/), plan files and the --local workspace fail, and the reconciler says
# so with this fix.
#
# The build stage installs the locked dependencies (requirements/runtime.txt, the lock CI tests
# with, every file checked against its hash), then the package without dependencies, into a
# virtual environment, byte-compiled: the image runs with PYTHONDONTWRITEBYTECODE and its user
# cannot write there, so a module shipped without its .pyc would be compiled again at every start
# (about 0.2 s of each command). The final image gets only that environment (no pip cache, no
# sources). The base image is pinned by its multi-platform digest (linux/amd64 and linux/arm64;
# Dependabot proposes updates). The working directory /work is where the repository with reconciler.yaml and
# manifests/ is mounted.

FROM python:3.12-slim-bookworm@sha256:34386ef0cb081344d7ec1c103ba398e6e9f64e9ab3a1509accc92a4e24a07258 AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
COPY requirements/runtime.txt ./requirements/runtime.txt
RUN python -m venv /opt/reconciler \
    && /opt/reconciler/bin/python -m pip install --require-hashes -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY reconciler ./reconciler
RUN /opt/reconciler/bin/python -m pip install --no-deps --no-build-isolation --compile . \
    && /opt/reconciler/bin/python -m pip check \
    && /opt/reconciler/bin/reconciler --version


FROM python:3.12-slim-bookworm@sha256:34386ef0cb081344d7ec1c103ba398e6e9f64e9ab3a1509accc92a4e24a07258

LABEL org.opencontainers.image.title="notion-reconciler" \
      org.opencontainers.image.description="Notion databases managed like infrastructure: YAML manifests, plan, gated apply." \
      org.opencontainers.image.licenses="MIT"

# RECONCILER_IN_CONTAINER: an error caused by a refused write adds the --user fix above.
ENV PATH="/opt/reconciler/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RECONCILER_IN_CONTAINER=1

RUN groupadd --system --gid 10001 reconciler \
    && useradd --system --uid 10001 --gid reconciler --home-dir /work --shell /usr/sbin/nologin reconciler \
    && mkdir /work \
    && chown reconciler:reconciler /work

COPY --from=build /opt/reconciler /opt/reconciler

USER 10001:10001
WORKDIR /work

# The controller (`serve`) answers /healthz on 8080; one-shot commands end long before the
# health check's start period, so it only ever judges `serve`. Kubernetes uses its own probes
# (deploy/kubernetes/).
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]

ENTRYPOINT ["reconciler"]
CMD ["--help"]
