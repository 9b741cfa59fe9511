# Shared by ./quickstart and ./run-tests: install missing Debian packages, configure, build.
# Sourced, not run. Everything here is idempotent: a second run only rebuilds what changed.

SHOAL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHOAL_DEBIAN_PACKAGES=(build-essential cmake pkg-config libopenmpi-dev openmpi-bin
                       libzstd-dev zstd zlib1g-dev libsimde-dev libedit-dev libcunit1-dev tmux procps
                       python3)

# Only the tests need these (./run-tests installs them, ./quickstart does not): a real Slurm
# for tests/hpc/slurm.sh. They are daemons a Shoal user does not need, and on a host with
# systemd their packages enable munge/slurmd/slurmctld services; tests/hpc/slurm.sh starts its own
# in a temp dir and skips itself (exit 77) where they are missing.
SHOAL_TEST_DEBIAN_PACKAGES=(slurm-wlm munge)

# shoal_missing_packages PACKAGE...: prints those not installed, one a line.
shoal_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# shoal_apt_install PACKAGE...: apt-get install, quietly, never reading stdin (root only).
shoal_apt_install() {
  echo "shoal: installing $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

# Installs what is missing (as root), or prints the exact command and fails (not root).
shoal_install_packages() {
  local missing
  mapfile -t missing < <(shoal_missing_packages "${SHOAL_DEBIAN_PACKAGES[@]}")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "shoal: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  shoal_apt_install "${missing[@]}"
}

# The test-only packages: installed as root unless SHOAL_TEST_PACKAGES=0; otherwise a note (the
# tests that need them skip themselves), never a failure.
shoal_install_test_packages() {
  local missing
  mapfile -t missing < <(shoal_missing_packages "${SHOAL_TEST_DEBIAN_PACKAGES[@]}")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || [ "${SHOAL_TEST_PACKAGES:-1}" = 0 ]; then
    echo "shoal: not installed: ${missing[*]} (only tests/hpc/slurm.sh needs them; it will be skipped)." >&2
    echo "  To run it: sudo apt-get install -y ${missing[*]}" >&2
    return 0
  fi
  shoal_apt_install "${missing[@]}"
}

# shoal_build DIR BUILD_TYPE: configure (once) and build with every core.
shoal_build() {
  local dir=$1 type=$2
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$SHOAL_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" >/dev/null
  fi
  cmake --build "$dir" -j "$(nproc)" -- --no-print-directory
}
