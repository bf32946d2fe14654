#!/bin/sh
# Run deploy/compose.yaml for real on this machine, with podman and no container registry,
# then check what docs/deploy.md says of it (check.py). As root on Debian bookworm:
#
#     sh deploy/trial/run.sh
#
# The registry images that compose.yaml and the Dockerfile name are stand-ins built from
# Debian's packages (Containerfile.standins); the protestmap image is deploy/Dockerfile itself.
# Not part of `make test`: it needs root, and took 5 minutes here with no image built yet.
set -eu
cd "$(dirname "$0")/../.."
TRIAL=deploy/trial
export CONTAINERS_CONF="$PWD/$TRIAL/containers.conf"
MINIO_ROOT_PASSWORD="trial-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export MINIO_ROOT_PASSWORD
COMPOSE="podman-compose -p protestmap -f deploy/compose.yaml"
# Builds reach PyPI and npm through this machine's certificate authorities (it may have its own).
CA="-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro"
LOG=$(mktemp --suffix=.protestmap-trial.log)
echo "build output: $LOG"
build() { podman build -q $CA "$@" >>"$LOG" 2>&1 || { tail -30 "$LOG"; exit 1; }; }

for tool in podman podman-compose runc debootstrap; do
  command -v "$tool" >/dev/null || missing="${missing:-} $tool"
done
if [ -n "${missing:-}" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

if ! podman image exists localhost/debian:bookworm; then
  rootfs=$(mktemp -d)
  # ca-certificates in the base, not in a build step that mounts this machine's bundle over it.
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" \
    http://deb.debian.org/debian >/dev/null
  tar -C "$rootfs" -c . | podman import -q - localhost/debian:bookworm >/dev/null
  rm -rf "$rootfs"
fi
# Every registry image named, under the full name its short name stands for.
for image in $( (sed -n 's/^ *image: //p' deploy/compose.yaml
                 sed -n 's/^FROM \([^ ]*\).*/\1/p' deploy/Dockerfile) | sort -u); do
  case "$image" in
    protestmap:*) continue ;;
    */*) full="docker.io/$image" ;;
    *) full="docker.io/library/$image" ;;
  esac
  stage=$(basename "${image%%:*}")
  echo "stand-in for $image"
  build --target "$stage" -t "$full" -f "$TRIAL/Containerfile.standins" "$TRIAL"
done
echo "protestmap:local from deploy/Dockerfile"
build -f deploy/Dockerfile -t protestmap:local .

trap '$COMPOSE down -v >/dev/null 2>&1 || true' EXIT
$COMPOSE down -v >/dev/null 2>&1 || true
# As docs/deploy.md says: the store first, then the fleet.
$COMPOSE run --rm cli build >>"$LOG" 2>&1 || { tail -30 "$LOG"; exit 1; }
$COMPOSE up -d >>"$LOG" 2>&1
python3 "$TRIAL/check.py" protestmap
