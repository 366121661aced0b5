#!/usr/bin/env python3
"""Generate a man page (roff) and a bash completion script from a CLI11 program's --help.

    gen-cli-docs.py --binary PATH --name NAME --version VERSION
                    [--include FILE] [--man OUT] [--completion OUT]

The program and each of its subcommands (recursively) are run with --help; nothing else is
read, so the page and the completion cannot drift from the program. Paths are arguments
and the program is run without a shell. --include appends a roff fragment (FILES, EXIT
STATUS, SEE ALSO: what --help does not say).
"""

import argparse
import os
import re
import subprocess
import sys

COLUMN = 30  # CLI11's description column


class Option:
    def __init__(self, names, meta, desc):
        self.names = names  # ["-h", "--help"]
        self.meta = meta  # "TEXT:{off,auto,on}=auto", "" for a flag
        self.desc = desc

    @property
    def takes_value(self):
        # CLI11 shows no type for its config-file option (set_config), which takes a path.
        if "--config" in self.names:
            return True
        return bool(re.match(r"(TEXT|INT|UINT|FLOAT|NUMBER|BOOLEAN)\b", self.meta))

    @property
    def takes_path(self):
        return "--config" in self.names or (self.meta.startswith("TEXT") and not self.choices)

    @property
    def choices(self):
        m = re.search(r"\{([^}]*)\}", self.meta)
        return m.group(1).split(",") if m else []


class Command:
    def __init__(self, path):
        self.path = path  # [] for the program, ["shadow", "start"] for a nested one
        self.summary = ""
        self.usage = ""
        self.positionals = []
        self.options = []
        self.subcommands = []  # (name, summary)
        self.footer = []
        self.children = []


def run_help(binary, path):
    env = dict(os.environ, COLUMNS="200", ASAN_OPTIONS="detect_leaks=0")
    out = subprocess.run([binary, *path, "--help"], check=True, capture_output=True, text=True, env=env).stdout
    return out.splitlines()


def parse_entries(lines):
    """Entries of an Options:/Positionals:/Subcommands: section: (head, description).

    CLI11 pads the head to the description column: at least two spaces before the
    description, or exactly one when the head takes 29 characters; a longer head has the
    description on the next line, indented to the column."""
    entries = []
    for n, line in enumerate(lines):
        if line.startswith(" " * COLUMN) and entries:
            head, desc = entries[-1]
            entries[-1] = (head, (desc + " " + line.strip()).strip())
            continue
        continued = n + 1 < len(lines) and lines[n + 1].startswith(" " * COLUMN)
        body = line[2:]
        m = re.match(r"(\S(?:.*?\S)?)\s{2,}(\S.*)$", body)
        if m:
            entries.append((m.group(1), m.group(2)))
        elif not continued and len(line) > COLUMN and line[COLUMN - 1] == " ":
            entries.append((line[2:COLUMN].strip(), line[COLUMN:].strip()))
        else:
            entries.append((body.strip(), ""))
    return entries


def parse(binary, name, path):
    lines = run_help(binary, path)
    cmd = Command(path)
    section, buf, i = None, [], 0
    sections = {}
    while i < len(lines) and not lines[i].startswith("Usage:"):
        cmd.summary = (cmd.summary + " " + lines[i].strip()).strip()
        i += 1
    if i < len(lines):
        usage = lines[i][len("Usage:") :].strip()
        parts = usage.split(" ", 1)
        cmd.usage = " ".join([name] + ([parts[1]] if len(parts) > 1 else []))  # "<binary> run [OPTIONS]"
        i += 1
    footer_started = False
    for line in lines[i:]:
        if footer_started:
            cmd.footer.append(line)
            continue
        if re.match(r"^(Options|Positionals|Subcommands):$", line):
            section = line[:-1]
            sections[section] = []
            continue
        if line == "":
            section = None
            continue
        if section and line.startswith("  "):
            sections[section].append(line)
        else:
            footer_started = True
            cmd.footer.append(line)
    while cmd.footer and cmd.footer[-1] == "":
        cmd.footer.pop()
    for head, desc in parse_entries(sections.get("Positionals", [])):
        cmd.positionals.append((head, desc))
    for head, desc in parse_entries(sections.get("Options", [])):
        names, _, meta = head.partition(" ")
        cmd.options.append(Option(names.split(","), meta.strip(), desc))
    for head, desc in parse_entries(sections.get("Subcommands", [])):
        cmd.subcommands.append((head, desc))
        cmd.children.append(parse(binary, name, [*path, head]))
    return cmd


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return text


def roff_line(text):
    text = roff(text)
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def option_tag(opt):
    names = ", ".join("\\fB" + roff(n) + "\\fR" for n in opt.names)
    return names + (" " + roff(opt.meta) if opt.meta else "")


def emit_command(out, cmd, parent_footer, name):
    if cmd.path:
        out.append(".SS " + roff_line(" ".join(cmd.path)))
    if cmd.path and cmd.summary:
        out.append(roff_line(cmd.summary))
        out.append(".PP")
    out.append(".nf")
    out.append("\\fB" + roff(cmd.usage.split(" ")[0]) + "\\fR " + roff(cmd.usage.split(" ", 1)[1] if " " in cmd.usage else ""))
    out.append(".fi")
    # Each list: a heading, then one tagged paragraph (.TP) per item.
    lists = [
        ("Arguments:", [("\\fI" + roff(head) + "\\fR", roff_line(desc)) for head, desc in cmd.positionals]),
        ("Options:", [(option_tag(opt), roff_line(opt.desc) if opt.desc else "\\&") for opt in cmd.options]),
        ("Subcommands:", [("\\fB" + roff(sub) + "\\fR", roff_line(desc)) for sub, desc in cmd.subcommands]),
    ]
    for heading, items in lists:
        if not items:
            continue
        out.append(".PP")
        out.append(heading)
        for tag, body in items:
            out.append(".TP")
            out.append(tag)
            out.append(body)
    if cmd.footer and cmd.footer != parent_footer:
        out.append(".PP")
        for line in cmd.footer:
            out.append(".PP" if line == "" else roff_line(line))
    for child in cmd.children:
        emit_command(out, child, cmd.footer if cmd.footer else parent_footer, name)


def man_page(root, name, version, include):
    out = [
        '.\\" Generated by packaging/gen-cli-docs.py from "' + name + ' --help"; do not edit.',
        ".TH " + name.upper() + ' 1 "" "seccomp-companion ' + version + '" "User Commands"',
        ".SH NAME",
        roff_line(name) + " \\- " + roff(root.summary.split(": ", 1)[-1]),
        ".SH SYNOPSIS",
        ".nf",
        "\\fB" + roff(name) + "\\fR [\\fIOPTIONS\\fR] \\fISUBCOMMAND\\fR [\\fIOPTIONS\\fR]",
    ]
    for child in root.children:
        out.append(roff(child.usage))
    out += [".fi", ".SH DESCRIPTION", roff_line(root.summary) + ".", ".SH OPTIONS"]
    for opt in root.options:
        out.append(".TP")
        out.append(option_tag(opt))
        out.append(roff_line(opt.desc))
    out.append(".SH COMMANDS")
    first = True
    for child in root.children:
        if not first:
            out.append(".PP")
        first = False
        emit_command(out, child, root.footer, name)
    if include:
        with open(include, encoding="utf-8") as f:
            out.append(f.read().rstrip("\n"))
    return "\n".join(out) + "\n"


def completion(root, name):
    fn = "_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
    lines = [
        "# bash completion for " + name + ", generated from its --help by packaging/gen-cli-docs.py",
        fn + "() {",
        "  local cur prev path i w",
        "  COMPREPLY=()",
        '  cur="${COMP_WORDS[COMP_CWORD]}"',
        '  prev="${COMP_WORDS[COMP_CWORD-1]}"',
        "  # The subcommand path: the words before the cursor that name subcommands.",
        '  path=""',
        "  for ((i = 1; i < COMP_CWORD; i++)); do",
        '    w="${COMP_WORDS[i]}"',
        '    case "${path}/${w}" in',
    ]
    allcmds = []

    def walk(cmd):
        allcmds.append(cmd)
        for c in cmd.children:
            walk(c)

    walk(root)
    for cmd in allcmds:
        for child in cmd.children:
            p = "/".join(cmd.path)
            lines.append('      "' + p + "/" + child.path[-1] + '") path="' + "/".join(child.path) + '" ;;')
    lines += ["    esac", "  done", '  case "$path" in']
    for cmd in allcmds:
        p = "/".join(cmd.path)
        flags = [n for o in cmd.options for n in o.names]
        subs = [c.path[-1] for c in cmd.children]
        lines.append('    "' + p + '")')
        value_cases = []
        for o in cmd.options:
            if not o.takes_value:
                continue
            pattern = "|".join(o.names)
            if o.choices:
                value_cases.append("        " + pattern + ') COMPREPLY=($(compgen -W "' + " ".join(o.choices) + '" -- "$cur")); return 0 ;;')
            elif o.takes_path:
                value_cases.append("        " + pattern + ') COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;')
            else:  # a number: nothing to offer
                value_cases.append("        " + pattern + ") return 0 ;;")
        if value_cases:
            lines.append('      case "$prev" in')
            lines += value_cases
            lines.append("      esac")
        lines.append('      if [[ "$cur" == -* ]]; then')
        lines.append('        COMPREPLY=($(compgen -W "' + " ".join(flags) + '" -- "$cur"))')
        if subs:
            lines.append("      else")
            lines.append('        COMPREPLY=($(compgen -W "' + " ".join(subs) + '" -- "$cur"))')
        elif cmd.positionals:
            lines.append("      else")
            lines.append('        COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null')
        lines.append("      fi")
        lines.append("      ;;")
    lines += ["  esac", "  return 0", "}", "complete -F " + fn + " " + name, ""]
    return "\n".join(lines)


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--include")
    ap.add_argument("--man")
    ap.add_argument("--completion")
    args = ap.parse_args()
    root = parse(args.binary, args.name, [])
    if args.man:
        write(args.man, man_page(root, args.name, args.version, args.include))
    if args.completion:
        write(args.completion, completion(root, args.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
