#!/usr/bin/env bash
# Installs every Debian 12 package OnAir needs to build and test. Idempotent and quiet
# when everything is already present. Usage: scripts/deps.sh [build|test|fuzz]
set -euo pipefail

pkgs=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-httpserver-dev
  libqt6sql6-sqlite libqt6sql6-psql
  qt6-multimedia-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libopus-dev libhiredis-dev libqrencode-dev libssl-dev
  # standard players: Ogg Opus (libogg) and MP3 (LAME) streams
  libogg-dev libmp3lame-dev
  qt6-qpa-plugins libgl-dev
  # the SVG icon engine: the window icon (and the package's Depends) is resources/icons/onair.svg
  libqt6svg6
  # live interpretation (docs/interpretation.md): resampling, speech to text, translation
  # (apertium-eng-spa is what Debian's apertium-en-es now installs), text to speech
  libsoxr-dev libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  apertium apertium-eng-spa libespeak-ng-dev
  # the microphone's speech processing (high-pass, noise suppression, gain control, limiter)
  libwebrtc-audio-processing-dev
  # the Debian package (scripts/package.sh, cpack -G DEB from the build tree): man pages from
  # --help, PNG icons from the SVG, Depends from dpkg-shlibdeps (dpkg-dev, file)
  help2man librsvg2-bin dpkg-dev file
)
if [ "${1:-build}" = test ]; then
  # curl: bench scripts; xvfb + xauth: screenshots and the window tests (geometry_xvfb_*); pulseaudio + espeak-ng: the virtual microphone test
  # chromium: the web pages' end-to-end test (driven by playwright-core from npm)
  # redis-server + postgresql: the replica tests start their own on loopback ports
  pkgs+=(python3 curl procps xvfb xauth pulseaudio pulseaudio-utils espeak-ng chromium redis-server postgresql)
  # ffmpeg: a player no one here wrote reads the /stream/ endpoints (tests/auto/streaming/tst_players.cpp)
  pkgs+=(ffmpeg)
  # nginx: the load balancer in front of three replicas (tests/system/tst_failover.cpp); the test
  # runs its own (nginx -p DIR) on a loopback port, never the system service (see below)
  pkgs+=(nginx)
  # the package test (tests/package): lintian, the desktop entry's and metainfo's validators,
  # systemd-analyze for the unit (the package only; nothing here starts systemd)
  pkgs+=(lintian desktop-file-utils appstream systemd)
  # Node.js and npm for playwright-core: the machine's own when it has them, else Debian's.
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
  command -v npm >/dev/null 2>&1 || pkgs+=(npm)
fi
if [ "${1:-build}" = fuzz ]; then
  # scripts/fuzz.sh: clang 14 and its libFuzzer runtime (libclang_rt.fuzzer-x86_64.a, with the
  # ASan and UBSan runtimes, is in libclang-rt-14-dev)
  pkgs+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "OnAir: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Debian's nginx starts a system service on port 80 when installed (and fails to install when
# port 80 is taken). The tests start their own: keep the package's service from starting (a
# policy-rc.d that refuses nginx only, unless the machine has its own), and disabled after.
want_nginx=0
[[ " ${missing[*]} " == *" nginx "* ]] && want_nginx=1
policy=""
if [ "$want_nginx" = 1 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
  policy=/usr/sbin/policy-rc.d
  trap '$SUDO rm -f "$policy"' EXIT
  printf '#!/bin/sh\n[ "$1" = nginx ] && exit 101\nexit 0\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
fi
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ "$want_nginx" = 1 ]; then
  if [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
  else
    $SUDO service nginx stop >/dev/null 2>&1 || true
    $SUDO update-rc.d nginx disable >/dev/null 2>&1 || true
  fi
fi
