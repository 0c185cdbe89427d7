#!/usr/bin/env bash
# Build containers/Dockerfile for real and run the CLI inside the image, on a machine with no
# container registry: a private dockerd (own data root and socket, no bridge, no iptables), a
# Debian bookworm base made with debootstrap and tagged as the Dockerfile's FROM, the torch CPU
# wheel taken from a local file and every other wheel fetched beforehand by the host's pip into the
# build context. The build itself and the runs then use no network at all (--network none).
#
# Needs root, a host Python 3.11 on linux x86_64 (its pip fetches wheels the image can use, through
# whatever index and certificates the host's pip is configured for), and Debian's packages:
#   apt-get install -y docker.io debootstrap
# Usage: scripts/container-check.sh            (from anywhere; exits non-zero on any failure)
# Environment knobs (defaults in brackets):
#   VARIANT [cpu] or gpu: containers/Dockerfile or containers/Dockerfile.gpu. For gpu, torch and its
#     CUDA wheels come from PyPI through the host's pip (several GB); on a machine without an NVIDIA
#     GPU the check proves the CUDA build imports and runs the CLI, not that kernels run.
#   PYTHON [python3]   TORCH_VERSION [2.13.0]
#   CONTAINER_REGISTRY [empty]: prefix of the image name, as the pipeline's --container_registry
#     (e.g. ghcr.io/myorg/); IMAGE [${CONTAINER_REGISTRY}plantreg:<version>, ...:<version>-gpu], the
#     names nextflow.config's process.container gives the CPU and GPU images.
#   TORCH_WHEEL_PATH [/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl] (cpu)
#   DEBIAN_MIRROR [the first Debian URI in apt's sources]   WORK [/var/tmp/plantreg-container]
#   DATA_ROOT [/var/lib/docker-plantreg]   SOCK [/tmp/plantreg-docker.sock]
#   DOCKER [/usr/bin/docker if present, else docker]: Debian's docker.io client builds with its
#     built-in BuildKit (much faster COPY --from than the legacy builder); a newer client without
#     the buildx plugin falls back to the legacy builder. BUILDKIT=0 forces the legacy builder.
#   KEEP_DOCKERD=1 leaves the daemon running (default: stopped on exit, whatever happened).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$REPO/src/plantreg/__init__.py")
VARIANT=${VARIANT:-cpu}
case $VARIANT in
    cpu) DOCKERFILE=containers/Dockerfile; IMAGE=${IMAGE:-${CONTAINER_REGISTRY:-}plantreg:$VERSION} ;;
    gpu) DOCKERFILE=containers/Dockerfile.gpu; IMAGE=${IMAGE:-${CONTAINER_REGISTRY:-}plantreg:$VERSION-gpu} ;;
    *) echo "container-check: VARIANT must be cpu or gpu" >&2; exit 1 ;;
esac
DOCKER=${DOCKER:-$(command -v /usr/bin/docker || command -v docker || true)}
BASE_TAG=python:3.11-slim-bookworm            # the Dockerfile's default FROM
TORCH_VERSION=${TORCH_VERSION:-2.13.0}
TORCH_WHEEL_PATH=${TORCH_WHEEL_PATH:-/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl}
WORK=${WORK:-/var/tmp/plantreg-container}
DATA_ROOT=${DATA_ROOT:-/var/lib/docker-plantreg}
SOCK=${SOCK:-/tmp/plantreg-docker.sock}
PYTHON=${PYTHON:-python3}
EXEC_ROOT=/tmp/plantreg-docker-exec
PIDFILE=/tmp/plantreg-dockerd.pid
export DOCKER_HOST=unix://$SOCK
docker() { "$DOCKER" "$@"; }

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'container-check: %s\n' "$*" >&2; exit 1; }

# Same Debian mirror apt uses on this machine (deb822 or one-line sources).
default_mirror() {
    grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' \
        /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | grep -v security | head -n1 | awk '{print $2}' || true
}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(default_mirror)}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

for tool in dockerd "$DOCKER" debootstrap tar; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y docker.io debootstrap)"
done
[ "$(id -u)" = 0 ] || die "run as root (dockerd and debootstrap need it)"
[ "$VARIANT" = gpu ] || [ -f "$TORCH_WHEEL_PATH" ] || die "torch wheel not found: $TORCH_WHEEL_PATH"
"$PYTHON" -c 'import platform, sys; sys.exit(sys.version_info[:2] != (3, 11)
    or platform.machine() != "x86_64")' || die "$PYTHON must be CPython 3.11 on x86_64"
mkdir -p "$WORK"

start_dockerd() {
    if docker version >/dev/null 2>&1; then log "dockerd already answering on $SOCK"; return; fi
    log "starting dockerd (data root $DATA_ROOT, socket $SOCK)"
    mkdir -p "$DATA_ROOT"
    # No bridge and no iptables: the host's network setup is left untouched; builds and runs
    # use --network none.
    dockerd --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" -H "unix://$SOCK" \
        --pidfile "$PIDFILE" --iptables=false --ip-forward=false --bridge=none \
        >"$WORK/dockerd.log" 2>&1 &
    STARTED_DOCKERD=1
    for _ in $(seq 60); do docker version >/dev/null 2>&1 && return; sleep 1; done
    tail -n 20 "$WORK/dockerd.log" >&2
    die "dockerd did not come up"
}

stop_dockerd() {
    if [ "${STARTED_DOCKERD:-0}" = 1 ] && [ "${KEEP_DOCKERD:-0}" != 1 ] && [ -f "$PIDFILE" ]; then
        log "stopping dockerd"
        local pid; pid=$(cat "$PIDFILE")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
}
trap stop_dockerd EXIT

make_base() {
    if docker image inspect "$BASE_TAG" >/dev/null 2>&1; then log "base $BASE_TAG present"; return; fi
    local root=$WORK/rootfs
    if [ ! -x "$root/usr/bin/python3" ]; then
        log "debootstrap bookworm from $DEBIAN_MIRROR"
        rm -rf "$root"
        debootstrap --variant=minbase --include=python3,python3-pip,python3-venv,procps \
            bookworm "$root" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 \
            || { tail -n 20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
        rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    fi
    log "importing the root file system as $BASE_TAG"
    tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' \
        -m "debootstrap minbase bookworm + python3 python3-pip python3-venv procps" \
        - plantreg-base:bookworm-debootstrap >/dev/null
    docker tag plantreg-base:bookworm-debootstrap "$BASE_TAG"
}

# The build context holds only what the image needs (never .venv or results), plus the wheels:
# torch (cpu: the local file; gpu: the CUDA build from PyPI, with any local +cpu wheels hidden
# from pip), everything else (and the setuptools that builds plantreg) resolved by the host's pip
# against the staged pyproject.toml.
stage_context() {
    local ctx=$WORK/context-$VARIANT torch_req
    rm -rf "$ctx" && mkdir -p "$ctx/containers/wheels"
    tar -C "$REPO" --exclude=__pycache__ --exclude='*.pyc' --exclude='*.egg-info' \
        --exclude=containers/wheels -c pyproject.toml README.md src bin containers | tar -C "$ctx" -x
    local pip=("$PYTHON" -m pip download --disable-pip-version-check --only-binary=:all:
        -d "$ctx/containers/wheels")
    if [ "$VARIANT" = gpu ]; then
        torch_req=torch==$TORCH_VERSION
        # No pip config files and no find-links: a local +cpu wheel would win over PyPI's build.
        pip=(env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null
            "${pip[@]}" --index-url https://pypi.org/simple)
    else
        torch_req=$TORCH_WHEEL_PATH
    fi
    "${pip[@]}" "$torch_req" "setuptools>=68" wheel "$ctx" >"$WORK/pip-download.log" 2>&1 \
        || { grep -v 'is ignored' "$WORK/pip-download.log" | tail -n 20 >&2; die "pip download failed"; }
    rm -rf "$ctx"/build "$ctx"/src/*.egg-info
    TORCH_FILE=$(cd "$ctx/containers/wheels" && ls torch-"$TORCH_VERSION"*.whl | head -n1)
    [ -n "$TORCH_FILE" ] || die "no torch $TORCH_VERSION wheel staged"
    echo "$ctx"
}

pick_builder() {
    # BuildKit through the client's built-in support (clients < 23) or the buildx plugin.
    local major
    major=$(docker version -f '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
    if [ "${BUILDKIT:-1}" = 1 ] && { docker buildx version >/dev/null 2>&1 \
            || [ "${major:-99}" -lt 23 ]; }; then
        export DOCKER_BUILDKIT=1
    else
        export DOCKER_BUILDKIT=0
    fi
}

start_dockerd
pick_builder
make_base
log "staging the build context and wheels"
stage_context >/dev/null
CTX=$WORK/context-$VARIANT
log "building $IMAGE from $DOCKERFILE (DOCKER_BUILDKIT=$DOCKER_BUILDKIT, no network)"
t0=$(date +%s)
docker build --network none -f "$CTX/$DOCKERFILE" --build-arg PIP_OFFLINE=1 \
    --build-arg TORCH_VERSION="$TORCH_VERSION" --build-arg TORCH_WHEEL="$TORCH_FILE" \
    -t "$IMAGE" "$CTX"
t1=$(date +%s)
echo "build time: $((t1 - t0)) s"
echo "image size: $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
label=$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$IMAGE")
echo "label org.opencontainers.image.version: $label"
[ "$label" = "$VERSION" ] || die "image version label $label != $VERSION"

# Runs: no network, an unprivileged uid (as Nextflow's docker.runOptions -u often does).
RUN=(docker run --rm --network none -u 1000:1000)
log "plantreg --version inside $IMAGE"
got=$("${RUN[@]}" "$IMAGE" plantreg --version)
echo "$got"
[ "$got" = "plantreg $VERSION" ] || die "unexpected version output: $got"
"${RUN[@]}" "$IMAGE" bash -c 'command -v ps && ps -o pid,comm && command -v plantreg'
"${RUN[@]}" "$IMAGE" python -c "import torch; print('torch', torch.__version__, 'cuda build',
    torch.version.cuda, 'cuda usable here', torch.cuda.is_available())"

DATA=$WORK/data
rm -rf "$DATA" && mkdir -p "$DATA" && chmod 777 "$DATA"
printf '>chr1\nACGTACGTACGTNNNNACGT\nACGTAC\n>chr2\nGGGGCCCCAAAATTTT\n>chrC\nACGT\n' >"$DATA/genome.fa"
log "plantreg prep index inside $IMAGE"
"${RUN[@]}" -v "$DATA:/data" "$IMAGE" \
    plantreg prep index --fasta /data/genome.fa --out-sizes /data/genome.size
echo "--- /data/genome.size"; cat "$DATA/genome.size"
expected=$'chr1\t26\nchr2\t16\nchrC\t4'
[ "$(cat "$DATA/genome.size")" = "$expected" ] || die "genome.size differs from the hand-checked table"
[ -s "$DATA/genome.fa.fai" ] || die "no FASTA index written next to the FASTA"
ls -l "$DATA"
log "container check passed"
