#!/usr/bin/env bash
# The Debian package of this build tree (issue 19): cpack -G DEB into a temporary directory
# (no rebuild), then what is in it and whether it works unpacked: Depends from dpkg-shlibdeps
# covering every library the binaries need, the files (man pages, desktop entry, metainfo,
# unit, icons, conffile, copyright), the binaries run from the unpacked tree, the unit's
# command line starts a server, the validators (desktop-file-validate, appstreamcli,
# systemd-analyze when present) and lintian without errors.
# A real `dpkg -i` changes the machine (a system user, the dpkg database, the dpkg lock other
# builds use): that is `scripts/package.sh --install-test`, run by .ci/run, not this test.
# Usage: package_test.sh BUILD_DIR PROJECT_VERSION WITH_DESKTOP(ON|OFF)
set -euo pipefail
build=$(cd "$1" && pwd)
version=$2
desktop=$3
case "$desktop" in ON|on|1|TRUE|true|YES|yes) desktop=1 ;; *) desktop=0 ;; esac

for tool in cpack dpkg-deb dpkg-shlibdeps lintian desktop-file-validate appstreamcli file readelf; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not installed (scripts/deps.sh test installs it)"
    exit 77
  fi
done

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/onair-package.XXXXXX")
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
t0=$(date +%s)

# --- the package ------------------------------------------------------------------------
if ! (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1); then
  cat "$tmp/cpack.log"
  echo "FAIL: cpack -G DEB"
  exit 1
fi
arch=$(dpkg --print-architecture)
deb="$tmp/out/onair_${version}-1_${arch}.deb"
if [ ! -f "$deb" ]; then
  ls -l "$tmp/out"
  echo "FAIL: cpack made no $(basename "$deb")"
  exit 1
fi
ok "$(basename "$deb"), $(stat -c %s "$deb") bytes, cpack $(($(date +%s) - t0)) s"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = onair ] || fail "Package: $(field Package)"
[ "$(field Version)" = "${version}-1" ] || fail "Version: $(field Version), want ${version}-1"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
for f in Maintainer Section Homepage Description Installed-Size; do
  [ -n "$(field "$f")" ] || fail "no $f: field"
done

# Depends: dpkg-shlibdeps' versioned entries for what the binaries link, not a hand-written list.
depends=$(field Depends)
echo "Depends: $depends"
IFS=',' read -r -a dep_list <<<"$depends"
has_dep() { # has_dep PACKAGE [versioned]: an entry for PACKAGE (with a (>= …) when asked)
  local d name
  for d in "${dep_list[@]}"; do
    d=$(echo "$d" | sed 's/^ *//; s/ *$//')
    name=${d%% *}
    if [ "$name" = "$1" ]; then
      [ "${2:-}" != versioned ] || [[ "$d" == *"(>= "* ]] || return 1
      return 0
    fi
  done
  return 1
}
want=(libc6 libstdc++6 libqt6core6 libqt6network6 libqt6websockets6 libqt6httpserver6 libqt6sql6 libopus0)
[ "$desktop" = 1 ] && want+=(libqt6widgets6 libqt6gui6 libqt6multimedia6)
for p in "${want[@]}"; do
  has_dep "$p" versioned && ok "Depends: $p (>= …)" || fail "Depends lacks a versioned $p"
done
# Loaded at run time, so invisible to dpkg-shlibdeps: named by cmake/Packaging.cmake.
plugins=(adduser libqt6sql6-sqlite)
[ "$desktop" = 1 ] && plugins+=(qt6-qpa-plugins libqt6svg6)
for p in "${plugins[@]}"; do
  has_dep "$p" || fail "Depends lacks $p"
done

# --- the files --------------------------------------------------------------------------
dpkg-deb -c "$deb" >"$tmp/contents"
files=(
  ./usr/bin/onair-server
  ./usr/share/man/man1/onair-server.1.gz
  ./lib/systemd/system/onair-server.service
  ./etc/default/onair-server
  ./usr/share/doc/onair/copyright
  ./usr/share/doc/onair/changelog.Debian.gz
)
if [ "$desktop" = 1 ]; then
  files+=(
    ./usr/bin/onair
    ./usr/share/man/man1/onair.1.gz
    ./usr/share/applications/org.onair.OnAir.desktop
    ./usr/share/metainfo/org.onair.OnAir.metainfo.xml
    ./usr/share/icons/hicolor/scalable/apps/onair.svg
  )
  for s in 16 22 24 32 48 64 128 256; do
    files+=("./usr/share/icons/hicolor/${s}x${s}/apps/onair.png")
  done
fi
for f in "${files[@]}"; do
  grep -q " $f\$" "$tmp/contents" && ok "in the package: $f" || fail "not in the package: $f"
done
grep -q '^-rw------- root/root .* ./etc/default/onair-server$' "$tmp/contents" \
  || fail "/etc/default/onair-server is not 0600 root:root: $(grep etc/default "$tmp/contents" || true)"
if grep -v ' -> ' "$tmp/contents" | awk '{print $2}' | grep -v '^root/root$' | grep -q .; then
  fail "files not owned by root/root"
fi

dpkg-deb -e "$deb" "$tmp/control"
grep -qx /etc/default/onair-server "$tmp/control/conffiles" || fail "/etc/default/onair-server is not a conffile"
for s in postinst prerm postrm; do
  [ -x "$tmp/control/$s" ] || fail "no executable $s"
  sh -n "$tmp/control/$s" || fail "$s: not valid sh"
done
grep -q 'adduser .*--system .*onair' "$tmp/control/postinst" || fail "postinst makes no system user onair"
grep -q 'deb-systemd-helper' "$tmp/control/postinst" || fail "postinst does not use deb-systemd-helper"

# --- unpacked, the binaries run -----------------------------------------------------------
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
bin="$root/usr/bin/onair-server"
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
export LD_LIBRARY_PATH="$root/usr/lib/$multiarch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for b in "$root"/usr/bin/*; do
  file -b "$b" | grep -q 'ELF.*, stripped' || fail "$(basename "$b") is not stripped: $(file -b "$b")"
  if readelf -d "$b" | grep -Eq 'RPATH|RUNPATH'; then
    fail "$(basename "$b") has an RPATH/RUNPATH (into the build tree?): $(readelf -d "$b" | grep -E 'RPATH|RUNPATH')"
  fi
done
got=$("$bin" --version 2>&1 || true)
if [ "$got" = "onair $version" ]; then ok "onair-server --version: $got"; else fail "onair-server --version: '$got', want 'onair $version'"; fi
if [ "$desktop" = 1 ]; then
  got=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/onair" --version 2>/dev/null || true)
  if [ "$got" = "onair $version" ]; then ok "onair --version: $got"; else fail "onair --version: '$got', want 'onair $version'"; fi
fi

# Every library the binaries need comes from a package the package depends on (or is in it).
needed=$(for b in "$root"/usr/bin/*; do readelf -d "$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; done | sort -u)
# One dpkg -S for all: "*/NAME" (a pattern starting with / is taken as a whole path).
# shellcheck disable=SC2086
dpkg -S $(printf '*/%s ' $needed) >"$tmp/owners" 2>/dev/null || true
for lib in $needed; do
  pkg=$(awk -v want="/$multiarch/$lib" '{ p = $NF; if (substr(p, length(p) - length(want) + 1) == want) { sub(/:.*/, "", $1); print $1; exit } }' "$tmp/owners")
  if [ -z "$pkg" ]; then
    fail "no package owns $lib"
  elif ! has_dep "$pkg"; then
    fail "$lib is in $pkg, which Depends: lacks"
  fi
done
ok "checked the $(echo "$needed" | wc -l) libraries the binaries need against Depends"

# --- man pages, desktop entry, metainfo, icons ---------------------------------------------
man_check() { # man_check NAME OPTION: a man page of NAME made from its --help, naming OPTION
  local page="$root/usr/share/man/man1/$1.1.gz"
  gzip -t "$page" || { fail "$1.1.gz is not gzip"; return; }
  zcat "$page" | grep -qF ".TH $(echo "$1" | tr '[:lower:]' '[:upper:]') \"1\"" \
    || fail "$1.1: no .TH $1 1 header"
  zcat "$page" | grep -q "$version" || fail "$1.1 does not name version $version"
  zcat "$page" | grep -q -- "$2" || fail "$1.1 does not document $2"
  if command -v man >/dev/null; then
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>"$tmp/man.err" >"$tmp/man.txt" || fail "man -l $1.1 failed"
    [ ! -s "$tmp/man.err" ] || fail "man -l $1.1: $(cat "$tmp/man.err")"
  fi
  ok "man page $1(1)"
}
man_check onair-server '\\-\\-data\\-dir'
if [ "$desktop" = 1 ]; then
  man_check onair '\\-\\-source'
  desktop-file-validate "$root/usr/share/applications/org.onair.OnAir.desktop" && ok "desktop-file-validate" \
    || fail "desktop-file-validate"
  if appstreamcli validate --no-net "$root/usr/share/metainfo/org.onair.OnAir.metainfo.xml" >"$tmp/as.log" 2>&1; then
    ok "appstreamcli validate --no-net"
  else
    cat "$tmp/as.log"
    fail "appstreamcli validate"
  fi
  grep -q "<launchable type=\"desktop-id\">org.onair.OnAir.desktop</launchable>" \
    "$root/usr/share/metainfo/org.onair.OnAir.metainfo.xml" || fail "metainfo does not launch org.onair.OnAir.desktop"
  grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/org.onair.OnAir.metainfo.xml" \
    || fail "metainfo has no release $version (packaging/org.onair.OnAir.metainfo.xml)"
  grep -qx 'Icon=onair' "$root/usr/share/applications/org.onair.OnAir.desktop" || fail "desktop entry's Icon is not onair"
  for s in 16 22 24 32 48 64 128 256; do
    png="$root/usr/share/icons/hicolor/${s}x${s}/apps/onair.png"
    file -b "$png" | grep -q "PNG image data, $s x $s," || fail "${s}x${s}/onair.png: $(file -b "$png")"
  done
  ok "icons: PNG 16…256 of the right sizes, and the SVG"
fi
zcat "$root/usr/share/doc/onair/changelog.Debian.gz" | head -1 | grep -q "^onair (${version}-1) " \
  || fail "changelog's first entry is not ${version}-1 (packaging/debian/changelog)"

# --- the service ----------------------------------------------------------------------
unit="$root/lib/systemd/system/onair-server.service"
for line in 'User=onair' 'StateDirectory=onair' 'Restart=on-failure' 'NoNewPrivileges=yes' \
    'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' 'EnvironmentFile=-/etc/default/onair-server' \
    'WantedBy=multi-user.target'; do
  grep -qx "$line" "$unit" || fail "unit lacks $line"
done
if command -v systemd-analyze >/dev/null; then
  # The unpacked unit, its command pointed at the unpacked binary (systemd-analyze checks that
  # it exists); the man page is checked above.
  mkdir -p "$tmp/unit"
  sed "s|/usr/bin/onair-server|$root/usr/bin/onair-server|" "$unit" >"$tmp/unit/onair-server.service"
  if systemd-analyze verify --man=no "$tmp/unit/onair-server.service" >"$tmp/verify.log" 2>&1 \
      && [ ! -s "$tmp/verify.log" ]; then
    ok "systemd-analyze verify"
  else
    cat "$tmp/verify.log"
    fail "systemd-analyze verify"
  fi
  # The sandboxing holds: systemd's exposure score (0 safe … 10 exposed) stays "OK" (1.7 now).
  if systemd-analyze security --offline=yes --man=no --threshold=25 "$tmp/unit/onair-server.service" \
      >"$tmp/security.log" 2>&1; then
    ok "systemd-analyze security: $(grep -o 'Overall exposure level.*' "$tmp/security.log")"
  else
    cat "$tmp/security.log"
    fail "systemd-analyze security: exposure above 2.5"
  fi
else
  echo "note: systemd-analyze absent: the unit is not verified (scripts/deps.sh test installs systemd)"
fi
# The unit's command line, with the data directory moved here and a free port, starts a server
# that makes its secret in that directory, answers /health, and stops cleanly on SIGTERM.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
read -r -a argv <<<"${exec_start//\$ONAIR_SERVER_ARGS/}"
[ "${argv[0]}" = /usr/bin/onair-server ] || fail "ExecStart runs ${argv[0]}"
argv[0]="$bin"
for i in "${!argv[@]}"; do
  [ "${argv[$i]}" = /var/lib/onair ] && argv[i]="$tmp/data"
done
mkdir -p "$tmp/data"
"${argv[@]}" --port 0 >"$tmp/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|^OnAir listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/server.log")
  [ -n "$port" ] && break
  sleep 0.1
done
health=""
if [ -n "$port" ] && exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  health=$(head -1 <&3 | tr -d '\r')
  exec 3<&-
fi
if [ "$health" = "HTTP/1.1 200 OK" ] && [ -s "$tmp/data/secret.key" ]; then
  ok "the unit's ExecStart runs: /health $health, secret.key made in the data directory"
else
  cat "$tmp/server.log"
  fail "the unit's ExecStart: port '${port}', /health '${health}', secret.key $(ls "$tmp/data")"
fi
kill -TERM "$server_pid" 2>/dev/null || true
rc=0
wait "$server_pid" || rc=$?
server_pid=""
[ "$rc" = 0 ] || { cat "$tmp/server.log"; fail "onair-server exited $rc on SIGTERM"; }

# --- lintian ----------------------------------------------------------------------------
t1=$(date +%s)
lrc=0
lintian --fail-on error --tag-display-limit 0 "$deb" >"$tmp/lintian.log" 2>&1 || lrc=$?
sed 's/^/lintian: /' "$tmp/lintian.log"
if [ "$lrc" = 0 ] && ! grep -q '^E: ' "$tmp/lintian.log"; then
  ok "lintian: no errors ($(grep -c '^W: ' "$tmp/lintian.log" || true) warnings, $(($(date +%s) - t1)) s)"
else
  fail "lintian: errors (exit $lrc)"
fi

echo "package test: $fails failure(s), $(($(date +%s) - t0)) s"
[ "$fails" = 0 ]
