# notion-reconciler in a container: the `reconciler` CLI as entrypoint, run as a non-root user.
#
#   docker build -t notion-reconciler .
#   docker run --rm -v "$PWD:/work" -e NOTION_TOKEN notion-reconciler plan
#   docker run --rm -v "$PWD:/work" notion-reconciler apply --local --yes
#
# The build stage installs the package into a virtual environment; the final image gets only
# that environment (no pip cache, no build tools, no sources). The working directory /work is
# where the repository with reconciler.yaml and manifests/ is mounted.

FROM python:3.12-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY reconciler ./reconciler
RUN python -m venv /opt/reconciler \
    && /opt/reconciler/bin/python -m pip install --no-compile . \
    && /opt/reconciler/bin/reconciler --version


FROM python:3.12-slim-bookworm

LABEL org.opencontainers.image.title="notion-reconciler" \
      org.opencontainers.image.description="Notion databases managed like infrastructure: YAML manifests, plan, gated apply." \
      org.opencontainers.image.licenses="MIT"

ENV PATH="/opt/reconciler/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

RUN groupadd --system --gid 10001 reconciler \
    && useradd --system --uid 10001 --gid reconciler --home-dir /work --shell /usr/sbin/nologin reconciler \
    && mkdir /work \
    && chown reconciler:reconciler /work

COPY --from=build /opt/reconciler /opt/reconciler

USER 10001:10001
WORKDIR /work

ENTRYPOINT ["reconciler"]
CMD ["--help"]
