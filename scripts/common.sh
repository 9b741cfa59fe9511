# Shared by ./quickstart and ./run-tests: install missing Debian packages, configure, build.
# Sourced, not run. Everything here is idempotent: a second run only rebuilds what changed.

SHOAL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHOAL_DEBIAN_PACKAGES=(build-essential cmake pkg-config libopenmpi-dev openmpi-bin
                       libzstd-dev zstd zlib1g-dev libsimde-dev libedit-dev libcunit1-dev tmux procps
                       python3)

# Installs what is missing (as root), or prints the exact command and fails (not root).
shoal_install_packages() {
  local missing=() p
  for p in "${SHOAL_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "shoal: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "shoal: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
}

# shoal_build DIR BUILD_TYPE: configure (once) and build with every core.
shoal_build() {
  local dir=$1 type=$2
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$SHOAL_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" >/dev/null
  fi
  cmake --build "$dir" -j "$(nproc)" -- --no-print-directory
}
