#!/usr/bin/env bash
# Every visible string has a Dutch translation: lupdate over the sources into a copy of the
# .ts must leave no unfinished entry. Usage: check_translations.sh SOURCE_DIR
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/translations/onair_nl.ts" "$tmp/onair_nl.ts"
/usr/lib/qt6/bin/lupdate -no-obsolete -locations none "$src/ui" "$src/app/desktop_main.cpp" -ts "$tmp/onair_nl.ts" >/dev/null
unfinished=$(grep -c 'type="unfinished"' "$tmp/onair_nl.ts" || true)
/usr/lib/qt6/bin/lrelease "$tmp/onair_nl.ts" -qm "$tmp/onair_nl.qm" | grep -E 'Generated'
if [ "$unfinished" != 0 ]; then
  echo "$unfinished strings have no Dutch translation; run lupdate, then scripts/translate_nl.py"
  exit 1
fi
echo "Dutch translation complete"
