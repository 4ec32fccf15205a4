#!/usr/bin/env python3
"""Functions over LIMIT lines in server/, ui/ and app/ (issue 17: none outside tables).

The code's style puts a function's braces at column 0, so a function runs from its signature to
the next `}` at column 0. A function that is a table (a list of options, a list of columns) says
so with `// check-functions: table` on the line above its signature.

    python3 scripts/check-functions.py            # exit 1 when one is over the limit
    python3 scripts/check-functions.py --top 20   # the longest, whatever their length
"""
import os
import re
import sys

LIMIT = 80
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
DIRS = ['server', 'ui', 'app']
NOT_A_FUNCTION = re.compile(r'^(namespace|class|struct|enum|union|extern|static const|const|constexpr)\b')


def functions(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        if lines[i] == '{':
            # walk back to the signature: the nearest line starting at column 0 with a name
            j = i - 1
            while j >= 0 and (not lines[j] or lines[j][0] in ' \t:,)'):
                j -= 1
            sig = lines[j] if j >= 0 else ''
            k = i + 1
            while k < len(lines) and lines[k] != '}' and not lines[k].startswith('};'):
                k += 1
            table = j > 0 and 'check-functions: table' in lines[j - 1]
            if '(' in sig and not NOT_A_FUNCTION.match(sig) and not table:
                yield j + 1, k - j + 1, sig.strip()
            i = k
        i += 1


def main():
    top = int(sys.argv[sys.argv.index('--top') + 1]) if '--top' in sys.argv else 0
    found = []
    for d in DIRS:
        for dirpath, _, files in os.walk(os.path.join(ROOT, d)):
            for name in files:
                if name.endswith('.cpp'):
                    path = os.path.join(dirpath, name)
                    rel = os.path.relpath(path, ROOT)
                    for line, length, sig in functions(path):
                        found.append((length, f'{rel}:{line}', sig))
    found.sort(reverse=True)
    if top:
        for length, where, sig in found[:top]:
            print(f'{length:5d}  {where}  {sig[:90]}')
        return 0
    over = [f for f in found if f[0] > LIMIT]
    if over:
        print(f'check-functions: {len(over)} functions over {LIMIT} lines', file=sys.stderr)
        for length, where, sig in over:
            print(f'  {length:5d}  {where}  {sig[:90]}', file=sys.stderr)
        return 1
    print(f'check-functions: {len(found)} functions, none over {LIMIT} lines')
    return 0


if __name__ == '__main__':
    sys.exit(main())
