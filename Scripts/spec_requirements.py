#!/usr/bin/env python3
"""Lists the requirement sentences of RFC 9113 and RFC 7541, and checks SPEC-NOTES.md.

    python3 Scripts/spec_requirements.py                      every requirement sentence
    python3 Scripts/spec_requirements.py --rfc 9113           only RFC 9113's
    python3 Scripts/spec_requirements.py --check SPEC-NOTES.md
        the sections that hold a requirement sentence but have no row in SPEC-NOTES.md;
        exit status 1 if there is any

A requirement sentence is one holding a BCP 14 key word of absolute weight in capitals:
MUST, MUST NOT, REQUIRED, SHALL or SHALL NOT (the terminology paragraph that only quotes
the key words is left out). The RFC texts are read from ../shared/spec/ (relative to the
repository root: rfc9113.txt, rfc7541.txt). Without them the script says so and exits 0,
so it can run where the texts are not available.

A row of SPEC-NOTES.md counts for a section when its first cell names it: "§6.5.2",
"§2.3.1, App. A". Rows count for the RFC of the "## RFC nnnn ..." heading they are under;
a reference written "RFC nnnn §x" names another RFC's section and counts for none (so
"RFC 9218 §7.1" under the RFC 9113 heading is not a row for RFC 9113 §7.1, and
"§7.3, RFC 9113 §6.5.2" under RFC 7541 is a row for RFC 7541 §7.3 only). Only Python's
standard library is used.
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT.parent / "shared" / "spec"
RFCS = {"9113": "rfc9113.txt", "7541": "rfc7541.txt"}

KEYWORD = re.compile(r"\b(MUST|REQUIRED|SHALL)\b")
QUOTED_KEYWORD = re.compile(r'"(MUST|MUST NOT|REQUIRED|SHALL|SHALL NOT)"')
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
APPENDIX = re.compile(r"^Appendix ([A-Z])\.\s+\S")
# A sentence ends at ". ", "? " or "! " before a capital, a quote, a bracket or a bullet.
SENTENCE_END = re.compile(r'(?<=[.?!])\s+(?=[A-Z"(\[*])')


def sections(text):
    """Yields (section id, list of paragraphs), in document order, from the body (the
    table of contents is indented, headings are not)."""
    current = None
    paragraphs = []
    lines = []

    def close_paragraph():
        if lines:
            # A line broken after a hyphen ("flow-" / "control") joins without a space.
            paragraph = lines[0]
            for line in lines[1:]:
                paragraph += line if paragraph.endswith("-") and line[:1].isalpha() else " " + line
            paragraphs.append(paragraph)
            lines.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if line and not line[0].isspace():
            numbered = NUMBERED.match(line)
            appendix = APPENDIX.match(line)
            if current is None and not (numbered and numbered.group(1) == "1"):
                continue  # the document header before "1.  Introduction"
            close_paragraph()
            if current is not None:
                yield current, paragraphs
            if numbered:
                current = numbered.group(1)
            elif appendix:
                current = "App. " + appendix.group(1)
            else:
                current = line.strip()  # "Acknowledgments", "Authors' Addresses"
            paragraphs = []
            continue
        if current is None:
            continue
        stripped = line.strip()
        if not stripped:
            close_paragraph()
        elif stripped.startswith(("*  ", "-  ")) or re.match(r"^\d+\.\s\s", stripped):
            close_paragraph()  # each list item is a paragraph of its own
            lines.append(stripped)
        else:
            lines.append(stripped)
    close_paragraph()
    if current is not None:
        yield current, paragraphs


def requirements(text):
    """Yields (section id, sentence) for every requirement sentence."""
    for section, paragraphs in sections(text):
        for paragraph in paragraphs:
            paragraph = re.sub(r"\s+", " ", paragraph)
            for sentence in SENTENCE_END.split(paragraph):
                if not KEYWORD.search(QUOTED_KEYWORD.sub("", sentence)):
                    continue
                yield section, re.sub(r"^[*-]\s+", "", sentence.strip())


def covered_sections(notes):
    """The sections each RFC has a row for in SPEC-NOTES.md: {rfc: set of ids}."""
    covered = {}
    heading_rfc = None
    for line in notes.splitlines():
        heading = re.match(r"^##\s+RFC\s+(\d+)", line)
        if heading:
            heading_rfc = heading.group(1)
            continue
        if line.startswith("## "):
            heading_rfc = None
            continue
        if heading_rfc is None or not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not cells or cells[0] in ("Section", "") or set(cells[0]) <= set("-: "):
            continue
        # "RFC 9218 §7.1", "(RFC 7540 §5.3.1)": another RFC's section, not a row for this one.
        own = re.sub(r"RFC\s*\d+\s*§\s*\d+(?:\.\d+)*", "", cells[0])
        for section in re.findall(r"§\s*(\d+(?:\.\d+)*)", own):
            covered.setdefault(heading_rfc, set()).add(section)
        for letter in re.findall(r"App(?:\.|endix)\s*([A-Z])\b", own):
            covered.setdefault(heading_rfc, set()).add("App. " + letter)
    return covered


def section_key(section):
    if section.startswith("App. "):
        return (1000 + ord(section[-1]),)
    if section[0].isdigit():
        return tuple(int(part) for part in section.split("."))
    return (2000,)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", metavar="NOTES", help="report sections without a row in NOTES (exit 1 if any)")
    parser.add_argument("--rfc", choices=sorted(RFCS), action="append", help="limit to one RFC (repeatable)")
    parser.add_argument("--spec-dir", default=str(SPEC_DIR), help="where rfc9113.txt and rfc7541.txt are")
    args = parser.parse_args()

    spec_dir = Path(args.spec_dir)
    chosen = args.rfc or sorted(RFCS, reverse=True)
    missing_files = [RFCS[rfc] for rfc in chosen if not (spec_dir / RFCS[rfc]).is_file()]
    if missing_files:
        print("spec texts not found, check skipped" + f" ({spec_dir}: {', '.join(missing_files)} missing)")
        return 0

    found = {rfc: list(requirements((spec_dir / RFCS[rfc]).read_text(encoding="utf-8"))) for rfc in chosen}

    if not args.check:
        for rfc in chosen:
            for section, sentence in found[rfc]:
                print(f"RFC {rfc} §{section}: {sentence}")
        return 0

    notes_path = Path(args.check)
    if not notes_path.is_file():
        print(f"{notes_path}: not found", file=sys.stderr)
        return 2
    covered = covered_sections(notes_path.read_text(encoding="utf-8"))
    failed = False
    for rfc in chosen:
        by_section = {}
        for section, sentence in found[rfc]:
            by_section.setdefault(section, []).append(sentence)
        have = covered.get(rfc, set())
        missing = sorted((s for s in by_section if s not in have), key=section_key)
        print(f"RFC {rfc}: {len(found[rfc])} requirement sentences in {len(by_section)} sections; "
              f"{len(by_section) - len(missing)} sections have rows in {notes_path.name}, {len(missing)} do not")
        for section in missing:
            failed = True
            sentences = by_section[section]
            print(f"  missing §{section} ({len(sentences)} sentence{'s' if len(sentences) != 1 else ''}): "
                  f"{sentences[0][:110]}{'...' if len(sentences[0]) > 110 else ''}")
    print("check failed: sections above need rows" if failed else "check passed: every section with a requirement has a row")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
