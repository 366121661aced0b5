#!/usr/bin/env python3
"""The README and docs/ against the tree they describe (ctest docs.ReadmeAndDocs).

  check_docs.py SOURCE_DIR SECCOMP_AUDIT SECCOMP_ISOLATOR

Checks, each failure named by file and line:
  1. README.md is the front door: it starts with the two commands for a fresh machine
     (scripts/demo.sh, then scripts/test.sh, before any other block), stays short, and links
     to every page of docs/.
  2. Every relative link of README.md and docs/*.md names a file that exists, and its #anchor
     a heading of that file (GitHub's anchors).
  3. Every path of this repository written in backquotes (`audit/...`, `tests/...`) exists.
  4. Every `docs/*.md` named anywhere in the tree (code comments, scripts, packaging) exists.
  5. Every flag of every subcommand's --help of both programs is named on the page that
     documents that subcommand.
  6. Every metric family the exporter defines (metrics/families.cpp) is named in
     docs/metrics.md.
  7. The benchmark block that `sc-bench-runtimes --update-readme=FILE` rewrites is in
     docs/benchmarks.md, once, and nowhere else; scripts/bench.sh --update-readme targets it.
Exit 0 when all hold, 1 otherwise (every failure printed), 2 on usage errors.
"""
import glob
import os
import re
import subprocess
import sys

if len(sys.argv) != 4:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
src, seccomp_audit, seccomp_isolator = sys.argv[1:]
src = os.path.abspath(src)
failures = []


def fail(msg):
    failures.append(msg)


def rel(path):
    return os.path.relpath(path, src)


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


readme = os.path.join(src, 'README.md')
pages = sorted(glob.glob(os.path.join(src, 'docs', '*.md')))
documents = [readme] + pages


def prose_lines(text):
    """(line number, line) outside fenced code blocks."""
    fence = False
    for n, line in enumerate(text.split('\n'), 1):
        if line.lstrip().startswith('```'):
            fence = not fence
            continue
        if not fence:
            yield n, line


def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r'[^\w\- ]', '', s)
    return s.replace(' ', '-')


def anchors(path):
    seen, out = {}, set()
    for _, line in prose_lines(read(path)):
        m = re.match(r'^#{1,6} (.*)', line)
        if not m:
            continue
        s = slug(m.group(1))
        if s in seen:
            seen[s] += 1
            s = f'{s}-{seen[s]}'
        else:
            seen[s] = 0
        out.add(s)
    return out


# 1. The front door.
text = read(readme)
blocks = re.findall(r'^```[a-z]*\n(.*?)^```', text, re.M | re.S)
if blocks[:2] != ['scripts/demo.sh\n', 'scripts/test.sh\n']:
    fail(f'README.md: the first two code blocks must be exactly scripts/demo.sh and scripts/test.sh, not {blocks[:2]!r}')
lines = text.count('\n')
if lines > 300:
    fail(f'README.md: {lines} lines; the front door stays about 250 (move detail into docs/)')
linked = set()
for _, line in prose_lines(text):
    for target in re.findall(r'\]\((docs/[^)#]+\.md)', line):
        linked.add(os.path.normpath(os.path.join(src, target)))
for page in pages:
    if page not in linked:
        fail(f'README.md does not link to {rel(page)}')

# 2. Links.
anchor_cache = {}
for doc in documents:
    for n, line in prose_lines(read(doc)):
        line = re.sub(r'`[^`]*`', '', line)  # code spans hold no links
        for target in re.findall(r'\]\(([^)\s]+)\)', line):
            if re.match(r'^[a-z]+:', target):
                continue
            path, _, anchor = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
            if not os.path.exists(dest):
                fail(f'{rel(doc)}:{n}: link to {target}: {rel(dest)} does not exist')
                continue
            if anchor:
                if dest not in anchor_cache:
                    anchor_cache[dest] = anchors(dest)
                if anchor not in anchor_cache[dest]:
                    fail(f'{rel(doc)}:{n}: link to {target}: no heading #{anchor} in {rel(dest)}')

# 3. Paths of this repository in backquotes.
top = {d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)) and not d.startswith('.') and d != 'build'}
not_ours = {'scripts/syscall.tbl'}  # Linux's own tables, named beside arch/x86's


def expand(p):
    m = re.search(r'\{([^}]*)\}', p)
    if not m:
        return [p]
    return [x for alt in m.group(1).split(',') for x in expand(p[:m.start()] + alt + p[m.end():])]


for doc in documents:
    for n, line in enumerate(read(doc).split('\n'), 1):
        for span in re.findall(r'`([^`\s]+)`', line):
            p = span.split(':')[0].rstrip('.,')
            if p.split('/')[0] not in top or '/' not in p or p in not_ours or '<' in p:
                continue
            for q in expand(p):
                if not glob.glob(os.path.join(src, q)):
                    fail(f'{rel(doc)}:{n}: `{span}`: {q} is not in the tree')

# 4. docs/ pages named anywhere in the tree.
for root, dirs, files in os.walk(src):
    dirs[:] = [d for d in dirs if not d.startswith('.') and d != 'build' and d != 'node_modules']
    for name in files:
        path = os.path.join(root, name)
        if name.endswith(('.png', '.json', '.bpf', '.tar', '.gz')):
            continue
        try:
            body = read(path)
        except (UnicodeDecodeError, OSError):
            continue
        for n, line in enumerate(body.split('\n'), 1):
            for page in re.findall(r'\bdocs/[A-Za-z0-9_/.-]*\.md\b', line):
                if 'PAGE' in page or '*' in page:
                    continue
                if not os.path.exists(os.path.join(src, page)):
                    fail(f'{rel(path)}:{n}: names {page}, which does not exist')

# 5. Flags of every subcommand, on its page.
pages_of = {
    ('seccomp-isolator', 'check'): ['profiles.md'],
    ('seccomp-isolator', 'compile'): ['profiles.md'],
    ('seccomp-isolator', 'explain'): ['profiles.md'],
    ('seccomp-isolator', 'launch'): ['isolator.md'],
    ('seccomp-isolator', 'inspect'): ['isolator.md'],
    ('seccomp-audit', 'run'): ['daemon.md'],
    ('seccomp-audit', 'events'): ['daemon.md'],
    ('seccomp-audit', 'hooks'): ['daemon.md', 'tracer.md'],
    ('seccomp-audit', 'suggest'): ['refine.md', 'fleet.md'],
    ('seccomp-audit', 'report'): ['refine.md', 'fleet.md', 'shadow.md'],
    ('seccomp-audit', 'shadow'): ['shadow.md'],
}


def help_of(binary, path):
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0')
    return subprocess.run([binary, *path, '--help'], capture_output=True, text=True, env=env, check=True).stdout


def subcommands(help_text):
    out, on = [], False
    for line in help_text.split('\n'):
        if line.startswith('Subcommands:'):
            on = True
        elif not line.strip():
            on = False
        elif on and re.match(r'^  [a-z]', line):
            out.append(line.split()[0])
    return out


def flags(help_text):
    out = set()
    for line in help_text.split('\n'):
        m = re.match(r'^  (-\S+)', line)
        if m:
            out.update(f for f in m.group(1).split(',') if f.startswith('--'))
    return out - {'--help', '--version'}


def walk(binary, name, path):
    h = help_of(binary, path)
    subs = subcommands(h)
    if path:
        key = (name, path[0])
        if key not in pages_of:
            fail(f'{name} {" ".join(path)}: a subcommand no page of docs/ is assigned to (add it to tests/docs/check_docs.py and document it)')
        else:
            texts = [read(os.path.join(src, 'docs', p)) for p in pages_of[key]]
            for f in sorted(flags(h)):
                if not any(re.search(re.escape(f) + r'(?![A-Za-z0-9_-])', t) for t in texts):
                    fail(f'{name} {" ".join(path)} {f}: not named in docs/{" or docs/".join(pages_of[key])}')
    for s in subs:
        walk(binary, name, path + [s])


walk(seccomp_audit, 'seccomp-audit', [])
walk(seccomp_isolator, 'seccomp-isolator', [])

# 6. Metric families.
metrics_page = read(os.path.join(src, 'docs', 'metrics.md'))
families = sorted(set(re.findall(r'"(seccomp_[a-z0-9_]+)"', read(os.path.join(src, 'metrics', 'families.cpp')))))
if not families:
    fail('metrics/families.cpp: no "seccomp_..." family names found (has the file moved? update this check)')
for m in families:
    if not re.search(re.escape(m) + r'(?![a-z0-9_])', metrics_page):
        fail(f'metric {m} (metrics/families.cpp) is not named in docs/metrics.md')

# 7. The benchmark block.
begin = '<!-- sc-bench-runtimes: begin'
end = '<!-- sc-bench-runtimes: end -->'
for doc in documents:
    t = read(doc)
    want = 1 if rel(doc) == os.path.join('docs', 'benchmarks.md') else 0
    if t.count(begin) != want or t.count(end) != want:
        fail(f'{rel(doc)}: {t.count(begin)} begin and {t.count(end)} end markers of the sc-bench-runtimes block (want {want})')
t = read(os.path.join(src, 'docs', 'benchmarks.md'))
if t.find(begin) > t.find(end):
    fail('docs/benchmarks.md: the sc-bench-runtimes end marker precedes its begin marker')
if '--update-readme="$root/docs/benchmarks.md"' not in read(os.path.join(src, 'scripts', 'bench.sh')):
    fail('scripts/bench.sh: --update-readme does not target docs/benchmarks.md')

for f in failures:
    print('FAIL:', f)
if failures:
    sys.exit(1)
print(f'ok: README.md and {len(pages)} pages of docs/: front door, links, paths, flags of every subcommand, '
      f'{len(families)} metric families, the benchmark block')
