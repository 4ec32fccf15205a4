#!/usr/bin/env bash
# Refreshes the third-party browser code the web pages embed (resources/web/assets/vendor/).
# The files are committed, so builds never need the network; run this only to change version:
#   scripts/vendor-web.sh            # re-fetch the pinned version and check it is unchanged
#   OPUS_DECODER_VERSION=x.y.z OPUS_DECODER_INTEGRITY=sha512-… scripts/vendor-web.sh
# then update the version and integrity here and in resources/web/assets/vendor/README.md.
# npm pack fetches the package tarball from the registry; its sha512 must match the pin.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${OPUS_DECODER_VERSION:-0.7.12}"
integrity="${OPUS_DECODER_INTEGRITY:-sha512-6zpHFDi/MhYvMwyYiuJPqJ2lcRkfm7wHblSvT3lUtx/kLvHkunoe/rhTn1dLKxqVGLeQj3gQi7CnR0N2p3RuOg==}"
dest=resources/web/assets/vendor

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "opus-decoder@$version" --silent >/dev/null)
tgz="$work/opus-decoder-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "vendor-web: opus-decoder@$version integrity mismatch" >&2
  echo "  expected $integrity" >&2
  echo "  got      $actual" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$work"
# The UMD bundle: one self-contained file (libopus compiled to WebAssembly, inlined), which
# defines globalThis["opus-decoder"] when loaded as a script or imported as a module.
cp "$work/package/dist/opus-decoder.min.js" "$dest/opus-decoder.min.js"
echo "vendor-web: opus-decoder@$version ($integrity) → $dest/opus-decoder.min.js"
# The package ships no LICENSE file (package.json says MIT); the notices for it, libopus and
# puff are kept by hand in $dest/LICENSE-*.txt — check them when the version changes.
