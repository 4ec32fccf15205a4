# Sourced by the browser tests (with $here set): the packages they need, the one rule for a
# missing tool — skip (exit 77, the test's SKIP_RETURN_CODE), naming it — and playwright-core.
bash "$here/../../scripts/deps.sh" test || echo "$(basename "$0"): scripts/deps.sh test failed; using what is installed" >&2
for tool in /usr/bin/chromium node npm; do
  command -v "$tool" >/dev/null || { echo "SKIP: needs ${tool##*/}, which is not installed here (scripts/deps.sh test installs it)"; exit 77; }
done
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
