#!/usr/bin/env python3
"""The engine's module graph, checked against the allowed one (docs/architecture.md).

Every folder under server/ is a module. A file may include its own module's headers and those
of the modules listed for it in ALLOWED; nothing else. The allowed graph itself must have no
cycle, so the arrows point one way. Exit 1 with every offending #include listed.

    python3 scripts/check-modules.py           # check
    python3 scripts/check-modules.py --graph   # print the modules' actual dependencies
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'server')

# module -> the modules it may include (lowest layers first).
ALLOWED = {
    'protocol': set(),
    # core counts refusals by the protocol's reasons (protocol/refusals.h: the Refusal enum sits
    # next to the refusal table that answers them); protocol stays a leaf.
    'core': {'protocol'},
    'config': set(),
    'auth': set(),
    'audio': {'core'},
    'history': {'core', 'protocol'},  # the topics' durable history: offsets, order, resume
    'fanout': {'core', 'config', 'protocol', 'auth', 'audio', 'history'},
    'streaming': {'core', 'config', 'protocol', 'audio', 'fanout'},
    'cluster': {'core', 'config', 'protocol', 'fanout', 'history'},
    'banners': {'core', 'protocol', 'fanout', 'cluster'},  # cluster: banners reach the other replicas on their own channel
    'recording': {'core', 'config', 'protocol', 'audio', 'fanout', 'streaming', 'history'},  # files on the recorder thread; Ogg Opus from streaming
    'channels': {'core', 'protocol', 'fanout'},  # language channels: a person on air, else the fallback
    'store': {'core', 'banners', 'history', 'recording', 'channels'},
    'events': {'core', 'protocol', 'fanout'},
    'monitor': {'core', 'config', 'protocol', 'audio', 'fanout'},  # who hears each stream, its input level, warnings
    'net': {'core', 'config', 'protocol', 'auth', 'fanout', 'streaming'},
    'interpretation': {'core', 'config', 'protocol', 'audio', 'fanout'},
    'http': {'core', 'config', 'protocol', 'auth', 'fanout', 'streaming', 'banners', 'cluster', 'events', 'history',
             'net', 'recording', 'channels'},  # net: the admin calls' rate limit (net/ratelimit.h)
    'engine': {'core', 'config', 'protocol', 'auth', 'audio', 'fanout', 'streaming', 'cluster',
               'banners', 'store', 'events', 'net', 'interpretation', 'http', 'history', 'monitor',
               'recording', 'channels'},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of(path):
    rel = os.path.relpath(path, ROOT)
    return rel.split(os.sep)[0] if os.sep in rel else None


def scan():
    edges = {}  # (from, to) -> [file:line include]
    stray = []
    for dirpath, _, files in os.walk(ROOT):
        for name in sorted(files):
            if not name.endswith(('.h', '.cpp')):
                continue
            path = os.path.join(dirpath, name)
            mod = module_of(path)
            if mod is None:
                stray.append(os.path.relpath(path, ROOT))
                continue
            text = open(path, encoding='utf-8').read()
            for m in INCLUDE.finditer(text):
                target = m.group(1)
                line = text.count('\n', 0, m.start()) + 1
                where = f'server/{os.path.relpath(path, ROOT)}:{line}: #include "{target}"'
                first = target.split('/')[0]
                if '/' not in target:
                    # generated files (moc) and same-folder includes are spelled without a folder
                    if os.path.exists(os.path.join(dirpath, target)):
                        stray.append(where + ' (name the folder)')
                    continue
                if first not in ALLOWED:
                    continue  # a system header with a slash
                if first != mod:
                    edges.setdefault((mod, first), []).append(where)
    return edges, stray


def cycle(graph):
    state = {}
    def visit(n, trail):
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return trail + [n, m]
            if m not in state:
                found = visit(m, trail + [n])
                if found:
                    return found
        state[n] = 2
        return None
    for n in sorted(graph):
        if n not in state:
            found = visit(n, [])
            if found:
                return found
    return None


def main():
    edges, stray = scan()
    if '--graph' in sys.argv:
        for (a, b) in sorted(edges):
            print(f'{a} -> {b}  ({len(edges[(a, b)])} includes)')
        return 0
    problems = []
    loop = cycle(ALLOWED)
    if loop:
        problems.append('the allowed graph has a cycle: ' + ' -> '.join(loop))
    modules = {d for d in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, d))}
    for d in sorted(modules - set(ALLOWED)):
        problems.append(f'server/{d}/ is not a known module: add it to ALLOWED in scripts/check-modules.py')
    for s in stray:
        problems.append(f'{s}: outside a module folder' if ':' not in s else s)
    for (a, b), where in sorted(edges.items()):
        if b not in ALLOWED.get(a, set()):
            problems.append(f'{a} may not depend on {b}:')
            problems.extend('    ' + w for w in where)
    if problems:
        print('check-modules: the module graph is broken', file=sys.stderr)
        for p in problems:
            print('  ' + p, file=sys.stderr)
        return 1
    print(f'check-modules: {len(modules)} modules, {len(edges)} dependencies, all allowed, no cycle')
    return 0


if __name__ == '__main__':
    sys.exit(main())
