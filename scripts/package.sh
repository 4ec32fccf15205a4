#!/usr/bin/env bash
# Builds the Debian package of OnAir: builds the tree as scripts/build.sh does (build/, or
# $ONAIR_BUILD_DIR; RelWithDebInfo, stripped in the package), then `cpack -G DEB` into
# <build>/packages/, and prints the .deb's path. Extra args go to CMake. Idempotent.
#   scripts/package.sh                  # the .deb
#   scripts/package.sh --install-test   # also installs it for real (apt), checks the system
#                                       # user, data directory, conffile and binary, purges it
# --install-test changes the machine while it runs (dpkg database, a user it removes again if
# it made it): CI runs it (.ci/run); tests/package checks the package without installing it.
set -euo pipefail
cd "$(dirname "$0")/.."
install_test=0
if [ "${1:-}" = --install-test ]; then
  install_test=1
  shift
fi
bash scripts/build.sh "$@"
dir=${ONAIR_BUILD_DIR:-build}
cache() { sed -n "s/^$1:[A-Z]*=//p" "$dir/CMakeCache.txt"; }
case "$(cache CMAKE_BUILD_TYPE)" in
  Release|RelWithDebInfo|MinSizeRel) ;;
  *) echo "package.sh: $dir is a $(cache CMAKE_BUILD_TYPE) build; package a Release or RelWithDebInfo tree" >&2
     exit 2 ;;
esac
if [ -n "$(cache ONAIR_SANITIZE)" ]; then
  echo "package.sh: $dir is built with sanitizers ($(cache ONAIR_SANITIZE)); use another ONAIR_BUILD_DIR" >&2
  exit 2
fi
out="$PWD/$dir/packages"
mkdir -p "$out"
(cd "$dir" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log" >&2; exit 1; }
version=$(cache CMAKE_PROJECT_VERSION)
deb="$out/onair_${version}-1_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { echo "package.sh: cpack made no $deb" >&2; exit 1; }
echo "$deb"
[ "$install_test" = 1 ] || exit 0

# --- a real installation, then a purge ---------------------------------------------------
[ "$(id -u)" -eq 0 ] || { echo "package.sh --install-test: needs root" >&2; exit 2; }
if dpkg-query -W -f='${Status}' onair 2>/dev/null | grep -q 'ok installed'; then
  echo "package.sh --install-test: the onair package is installed already; not touching it" >&2
  exit 2
fi
had_user=0
getent passwd onair >/dev/null && had_user=1
if [ -e /var/lib/onair ]; then
  echo "package.sh --install-test: /var/lib/onair exists already (a purge would delete it); not installing" >&2
  exit 2
fi
fail() { echo "package.sh --install-test: $*" >&2; exit 1; }
cleanup() {
  DEBIAN_FRONTEND=noninteractive dpkg --purge onair >/dev/null 2>&1 || true
  if [ "$had_user" = 0 ] && getent passwd onair >/dev/null; then
    deluser --quiet --system onair >/dev/null 2>&1 || true
    getent group onair >/dev/null && delgroup --quiet --system onair >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
# apt resolves Depends (adduser, the Qt plugins) from the archive if the machine lacks them.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "$deb" >/dev/null
dpkg-query -W -f='${Status}' onair | grep -q 'install ok installed' || fail "onair is not installed"
got=$(/usr/bin/onair-server --version)
[ "$got" = "onair $version" ] || fail "/usr/bin/onair-server --version: '$got'"
getent passwd onair | grep -q ':/var/lib/onair:' || fail "no system user onair with home /var/lib/onair"
[ "$(stat -c %U:%G:%a /var/lib/onair)" = onair:onair:750 ] || fail "/var/lib/onair: $(stat -c %U:%G:%a /var/lib/onair)"
[ "$(stat -c %U:%a /etc/default/onair-server)" = root:600 ] || fail "/etc/default/onair-server: $(stat -c %U:%a /etc/default/onair-server)"
man -w onair-server >/dev/null 2>&1 || ! command -v man >/dev/null || fail "man onair-server: not found"
if [ -d /run/systemd/system ]; then
  systemctl is-enabled onair-server >/dev/null || fail "onair-server.service is not enabled"
  for _ in $(seq 50); do systemctl is-active --quiet onair-server && break; sleep 0.1; done
  systemctl is-active --quiet onair-server || fail "onair-server.service is not running: $(systemctl status onair-server 2>&1 | tail -5)"
else
  # No systemd (a container): run the service's command as its user, as systemd would.
  log=$(mktemp)
  runuser -u onair -- /usr/bin/onair-server --data-dir /var/lib/onair --port 0 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do [ -s /var/lib/onair/secret.key ] && break; sleep 0.1; done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  [ "$(stat -c %U /var/lib/onair/secret.key 2>/dev/null)" = onair ] || { cat "$log" >&2; fail "onair-server as user onair made no secret.key"; }
  rm -f "$log"
fi
DEBIAN_FRONTEND=noninteractive dpkg --remove onair >/dev/null
[ -f /etc/default/onair-server ] || fail "remove took the conffile (only purge should)"
DEBIAN_FRONTEND=noninteractive dpkg --purge onair >/dev/null
[ ! -e /etc/default/onair-server ] || fail "purge left /etc/default/onair-server"
[ ! -e /var/lib/onair ] || fail "purge left /var/lib/onair"
echo "package.sh --install-test: installed, user onair and /var/lib/onair made, onair-server $version ran, removed and purged" >&2
