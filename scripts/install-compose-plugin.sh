#!/usr/bin/env bash
# Build the Docker Compose CLI plugin from its Go module when the docker client exists but
# has no `compose` subcommand, so that tests can run `docker compose config` (which needs
# no Docker engine). Machines without Go or without the docker client are left alone.
set -euo pipefail

COMPOSE_VERSION="${COMPOSE_VERSION:-v5.6.0}"
PLUGIN_DIR="${HOME}/.docker/cli-plugins"

if ! command -v docker >/dev/null; then
    echo "install-compose-plugin: no docker client; nothing to do"
    exit 0
fi
if docker compose version >/dev/null 2>&1; then
    echo "install-compose-plugin: docker compose is already available"
    exit 0
fi
if ! command -v go >/dev/null; then
    echo "install-compose-plugin: docker compose is missing and Go is not installed to build it" >&2
    exit 1
fi

build_dir="$(mktemp -d)"
trap 'rm -rf "$build_dir"' EXIT
cd "$build_dir"
# `go install module@version` refuses modules whose go.mod has exclude directives, as
# compose's does, so build it from a throwaway module that requires it.
go mod init local/compose-plugin >/dev/null 2>&1
go get "github.com/docker/compose/v5/cmd@${COMPOSE_VERSION}" >/dev/null 2>&1
go build -o docker-compose github.com/docker/compose/v5/cmd
mkdir -p "$PLUGIN_DIR"
install -m 0755 docker-compose "$PLUGIN_DIR/docker-compose"
echo "install-compose-plugin: installed docker compose ${COMPOSE_VERSION} in ${PLUGIN_DIR}"
