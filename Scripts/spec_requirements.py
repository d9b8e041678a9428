#!/usr/bin/env python3
"""Lists the requirement sentences of RFC 9113 and RFC 7541, and checks SPEC-NOTES.md.

    python3 Scripts/spec_requirements.py                      every requirement sentence, with its ID
    python3 Scripts/spec_requirements.py --rfc 9113           only RFC 9113's
    python3 Scripts/spec_requirements.py --check SPEC-NOTES.md SPEC-NOTES-server.md
        checks the notes against the requirement sentences (exit status 1 on any problem)
    python3 Scripts/spec_requirements.py --status SPEC-NOTES.md SPEC-NOTES-server.md
        the same check, then every ID with its status and the rows that cover it

A requirement sentence is one holding a BCP 14 key word of absolute weight in capitals:
MUST, MUST NOT, REQUIRED, SHALL or SHALL NOT (the terminology paragraph that only quotes
the key words is left out). Each gets a stable ID, RFC/section#ordinal: "9113/5.1.1#2" is
the second requirement sentence of RFC 9113 §5.1.1, in text order. The RFC texts are read
from ../shared/spec/ (relative to the repository root: rfc9113.txt, rfc7541.txt); they never
change, so neither do the IDs. Without them the script says so and exits 0, so it can run
where the texts are not available.

The notes are Markdown tables whose header holds the columns "Section", "Req" and "Status"
(a table with a "Section" column but without the other two is an error; tables without a
"Section" column are not rule tables and are skipped). In a row:

  * Req lists the IDs the row covers ("9113/6.5#3, 9113/6.5#4"), or "—" for a row that
    covers no requirement sentence (a SHOULD we implement, another RFC's rule);
  * Status is "done" (the code and a test exist and are named), "n/a" (the rule binds a role
    or feature we never take; the reason is in the row) or "gap" (not implemented or not
    tested; the row says what is missing);
  * Section names the section of every ID in Req ("§6.5", "§2.3.1, App. A").

--check fails when an ID is in no row, when a row names an ID that does not exist, when a
row has no valid status, when an ID's section is not in its row's Section cell, when an
"n/a" or "gap" row gives no reason, and when a "done" row names no test or a test that does
not exist. Tests are recognized in the Test column:

  * `SuiteType.function`: a Swift Testing test (a file under Tests/ declares or extends the
    type, and one of those files has `func function`), or a Python unittest
    (`class SuiteType` and `def function` in one .py file under Tests/);
    quoted cases in parentheses right after it, `SuiteType.function ("case")`, must be
    string literals in the suite's files (the arguments of a parameterized test);
  * a bare `SomethingTests`: a Swift type or a Python class under Tests/; a bare
    `test_name`: a Python test method under Tests/;
  * `SuiteType › description` (also `› description` for the previous suite): a test whose
    @Test("…") description starts with the text (up to "…" or " (");
  * a conformance scenario id, `6.9.2/1` or `client/6.5/3` or `hpack/4` (a range `a–b`
    checks both ends), in Vectors/conformance/*.json or Vectors/conformance/client/*.json;
  * a vector file, `unknown.json`, in Vectors/frames/ or Vectors/hpack/.

Every key word of the text (but the terminology paragraph's quoted ones) must fall in a
listed sentence, else the script fails: the extraction checks itself.

An ID's status over all the rows that cover it is "gap" if any of them is a gap, else
"done" if any is done, else "n/a". Only Python's standard library is used.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT.parent / "shared" / "spec"
RFCS = {"9113": "rfc9113.txt", "7541": "rfc7541.txt"}
STATUSES = ("done", "n/a", "gap")

KEYWORD = re.compile(r"\b(MUST|REQUIRED|SHALL)\b")
QUOTED_KEYWORD = re.compile(r'"(MUST|MUST NOT|REQUIRED|SHALL|SHALL NOT)"')
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
APPENDIX = re.compile(r"^Appendix ([A-Z])\.\s+\S")
# A sentence ends at ". ", "? " or "! " before a capital, a quote, a bracket or a bullet.
SENTENCE_END = re.compile(r'(?<=[.?!])\s+(?=[A-Z"(\[*])')
REQ_ID = re.compile(r"\b(\d{4})/((?:\d+(?:\.\d+)*)|App\.[A-Z])#(\d+)\b")


# --- the RFC texts ---------------------------------------------------------------------

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


def numbered_requirements(rfc, text):
    """[(id, section, sentence)]: the ordinal counts the section's sentences from 1."""
    counts = {}
    result = []
    for section, sentence in requirements(text):
        counts[section] = counts.get(section, 0) + 1
        key = section.replace("App. ", "App.")
        result.append((f"{rfc}/{key}#{counts[section]}", section, sentence))
    return result


def missed_keywords(text, sentences):
    """How many key words of the text are in no requirement sentence: a self-check of the
    extraction (a heading mistaken for text, a sentence lost at a line or list break). Only
    the quoted key words of the terminology paragraph are left out of the count."""
    everywhere = len(KEYWORD.findall(QUOTED_KEYWORD.sub("", re.sub(r"\s+", " ", text))))
    extracted = sum(len(KEYWORD.findall(QUOTED_KEYWORD.sub("", sentence))) for sentence in sentences)
    return everywhere - extracted


def section_key(section):
    if section.startswith("App. "):
        return (1000 + ord(section[-1]),)
    if section[0].isdigit():
        return tuple(int(part) for part in section.split("."))
    return (2000,)


# --- the notes -------------------------------------------------------------------------

def split_row(line):
    # "\|" inside a cell is an escaped pipe, not a column border.
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [cell.strip() for cell in cells]


def rows(path):
    """Yields (path, line number, {column: cell}) for every row of the rule tables, and
    (path, line number, None) for a rule table that lacks the Req or Status column."""
    header = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("|"):
            header = None
            continue
        cells = split_row(line)
        if header is None:
            header = cells
            if "Section" in header and not ("Req" in header and "Status" in header):
                yield path, number, None
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the separator line
        if not ("Section" in header and "Req" in header and "Status" in header):
            continue
        yield path, number, dict(zip(header, cells + [""] * (len(header) - len(cells))))


def cell_sections(cell):
    """The sections a Section cell names: "§6.5.2", "§2.3.1, App. A" (a reference written
    "RFC nnnn §x" names another RFC's section and is left out)."""
    own = re.sub(r"RFC\s*\d+\s*§\s*\d+(?:\.\d+)*(?:\s*,\s*§\s*\d+(?:\.\d+)*)*", "", cell)
    found = set(re.findall(r"§\s*(\d+(?:\.\d+)*)", own))
    found |= {"App. " + letter for letter in re.findall(r"App(?:\.|endix)\s*([A-Z])\b", own)}
    return found


# --- the tests -------------------------------------------------------------------------

class TestIndex:
    """What exists under Tests/ and Vectors/, read once."""

    def __init__(self, root):
        self.swift_types = {}      # type name -> set of files that declare or extend it
        self.swift_funcs = {}      # file -> set of func names
        self.swift_text = {}       # file -> its text
        self.descriptions = {}     # type name -> list of @Test descriptions in its files
        self.python = {}           # class name -> set of def names in its file
        for path in sorted((root / "Tests").rglob("*.swift")):
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in re.findall(r"\b(?:struct|class|enum|actor|extension)\s+([A-Za-z_]\w*)", text):
                self.swift_types.setdefault(name, set()).add(path)
            self.swift_text[path] = text
            self.swift_funcs[path] = set(re.findall(r"\bfunc\s+([A-Za-z_]\w*)", text))
            for name in re.findall(r"\b(?:struct|class|enum|actor|extension)\s+([A-Za-z_]\w*)", text):
                self.descriptions.setdefault(name, []).extend(
                    re.findall(r'@Test\(\s*"((?:[^"\\]|\\.)*)"', text))
        for path in sorted((root / "Tests").rglob("*.py")):
            text = path.read_text(encoding="utf-8", errors="replace")
            defs = set(re.findall(r"^\s*def\s+(\w+)", text, re.M))
            for name in re.findall(r"^class\s+(\w+)", text, re.M):
                self.python.setdefault(name, set()).update(defs)
        self.scenarios = set()
        for path in sorted((root / "Vectors" / "conformance").rglob("*.json")):
            try:
                cases = json.loads(path.read_text(encoding="utf-8")).get("cases", [])
            except (ValueError, AttributeError):
                continue
            self.scenarios |= {case.get("id") for case in cases if isinstance(case, dict)}
        self.vector_files = {p.name for d in ("frames", "hpack") for p in (root / "Vectors" / d).glob("*.json")}

    def has_type(self, name):
        return name in self.swift_types or name in self.python

    def has_test(self, suite, function):
        for path in self.swift_types.get(suite, ()):
            if function in self.swift_funcs.get(path, ()):
                return True
        return function in self.python.get(suite, ())

    def has_case(self, suite, text):
        """A string literal starting with text in a file of the Swift suite."""
        return any('"' + text in self.swift_text[path] for path in self.swift_types.get(suite, ()))

    def has_description(self, suite, text):
        return any(d.startswith(text) for d in self.descriptions.get(suite, ()))


SCENARIO = re.compile(r"(?<![\w./])((?:client/)?(?:\d+(?:\.\d+)*|hpack)/\d+)(?![\w/])")
QUALIFIED = re.compile(r"\b([A-Z]\w*Tests)\.([A-Za-z_]\w*)\b")
BARE_SUITE = re.compile(r"\b([A-Z]\w*Tests)\b(?!\.\w)(?!\s*›)")
DESCRIBED = re.compile(r"(?:\b([A-Z]\w*Tests)\s*)?›\s*([^;›]+)")
BARE_PYTHON_TEST = re.compile(r"(?<![\w.])(test_\w+)")
VECTOR_FILE = re.compile(r"\b([\w-]+\.json)\b")


def test_references(cell, index):
    """(found, problems): how many test references the cell holds, and the ones that name
    nothing under Tests/ or Vectors/."""
    found = 0
    problems = []
    text = re.sub(r"`", "", cell)
    for match in QUALIFIED.finditer(text):
        suite, function = match.groups()
        found += 1
        if not index.has_test(suite, function):
            problems.append(f"{suite}.{function}")
            continue
        # "Suite.function ("case one", "case two")": the cases of a parameterized test.
        cases = re.match(r'\s*\(([^)]*)\)', text[match.end():])
        for case in re.findall(r'"([^"]+)"', cases.group(1)) if cases else []:
            if not index.has_case(suite, case.rstrip("…")):
                problems.append(f'{suite}.{function} ("{case}")')
    suite = None
    for named, description in DESCRIBED.findall(text):
        suite = named or suite
        found += 1
        wanted = re.split(r"…|\s\(|\.\.\.", description.strip())[0].strip().rstrip(";,")
        if suite is None or not index.has_description(suite, wanted):
            problems.append(f"{suite} › {wanted}")
    for suite in BARE_SUITE.findall(re.sub(r'"[^"]*"', "", text)):
        found += 1
        if not index.has_type(suite):
            problems.append(suite)
    for function in BARE_PYTHON_TEST.findall(text):
        found += 1
        if not any(function in defs for defs in index.python.values()):
            problems.append(function)
    for scenario in SCENARIO.findall(text):
        found += 1
        if scenario not in index.scenarios:
            problems.append(f"conformance {scenario}")
    for name in VECTOR_FILE.findall(text):
        found += 1
        if name not in index.vector_files:
            problems.append(f"vectors {name}")
    return found, problems


# --- the check -------------------------------------------------------------------------

def check(notes_paths, found, show_status):
    known = {rid: (rfc, section, sentence) for rfc in found for rid, section, sentence in found[rfc]}
    index = TestIndex(ROOT)
    problems = []
    covering = {}  # id -> [(status, where)]
    for notes_path in notes_paths:
        for path, number, row in rows(notes_path):
            where = f"{path.name}:{number}"
            if row is None:
                problems.append(f"{where}: a table with a Section column needs Req and Status columns")
                continue
            status = row.get("Status", "").strip().strip("*`").strip()
            if status not in STATUSES:
                problems.append(f"{where}: status {row.get('Status', '')!r} is not one of {', '.join(STATUSES)}")
                status = None
            req = row.get("Req", "")
            ids = REQ_ID.findall(req)
            leftover = REQ_ID.sub("", req).replace(",", " ").replace("—", " ").strip()
            if leftover:
                problems.append(f"{where}: Req cell holds something that is not an ID: {leftover!r}")
            row_sections = cell_sections(row.get("Section", ""))
            for rfc, section, ordinal in ids:
                rid = f"{rfc}/{section}#{ordinal}"
                if rid not in known:
                    if rfc in found:
                        problems.append(f"{where}: {rid} is not a requirement sentence")
                    continue
                covering.setdefault(rid, []).append((status, where))
                if known[rid][1] not in row_sections:
                    problems.append(f"{where}: {rid} is in §{known[rid][1]}, not in the row's Section cell")
            reason = " ".join(row.get(c, "") for c in ("Code", "Test")).replace("—", "").strip()
            if status in ("n/a", "gap") and not reason:
                problems.append(f"{where}: a {status} row says why (Code or Test column)")
            if status == "done":
                count, missing = test_references(row.get("Test", ""), index)
                if count == 0:
                    problems.append(f"{where}: a done row names no test")
                for name in missing:
                    problems.append(f"{where}: test not found: {name}")

    totals = {}
    for rfc in found:
        for rid, section, sentence in found[rfc]:
            rows_for = covering.get(rid, [])
            if not rows_for:
                problems.append(f"{rid} has no row: §{section}: {sentence[:100]}{'...' if len(sentence) > 100 else ''}")
                continue
            statuses = {status for status, _ in rows_for}
            overall = "gap" if "gap" in statuses else "done" if "done" in statuses else "n/a" if "n/a" in statuses else None
            if overall:
                totals.setdefault(rfc, {}).setdefault(overall, []).append(rid)
            if show_status:
                print(f"{rid:16} {overall or '?':5} {', '.join(w for _, w in rows_for)}")

    names = ", ".join(p.name for p in notes_paths)
    for rfc in found:
        t = totals.get(rfc, {})
        print(f"RFC {rfc}: {len(found[rfc])} requirement sentences; in {names}: "
              + ", ".join(f"{len(t.get(s, []))} {s}" for s in STATUSES))
        if t.get("gap"):
            print(f"  gap: {' '.join(t['gap'])}")
    for problem in problems:
        print(f"  {problem}")
    print(f"check failed: {len(problems)} problem{'s' if len(problems) != 1 else ''}" if problems
          else "check passed: every requirement sentence has a row with a status, every test named exists")
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", metavar="NOTES", nargs="+", help="check the notes (exit 1 on any problem)")
    parser.add_argument("--status", metavar="NOTES", nargs="+", help="check, and list every ID with its status")
    parser.add_argument("--rfc", choices=sorted(RFCS), action="append", help="limit to one RFC (repeatable)")
    parser.add_argument("--spec-dir", default=str(SPEC_DIR), help="where rfc9113.txt and rfc7541.txt are")
    args = parser.parse_args()

    spec_dir = Path(args.spec_dir)
    chosen = args.rfc or sorted(RFCS, reverse=True)
    missing_files = [RFCS[rfc] for rfc in chosen if not (spec_dir / RFCS[rfc]).is_file()]
    if missing_files:
        print("spec texts not found, check skipped" + f" ({spec_dir}: {', '.join(missing_files)} missing)")
        return 0

    texts = {rfc: (spec_dir / RFCS[rfc]).read_text(encoding="utf-8") for rfc in chosen}
    found = {rfc: numbered_requirements(rfc, texts[rfc]) for rfc in chosen}
    missed = {rfc: missed_keywords(texts[rfc], [s for _, _, s in found[rfc]]) for rfc in chosen}
    for rfc in chosen:
        if missed[rfc]:
            print(f"RFC {rfc}: {missed[rfc]} key word(s) of the text are in no requirement sentence: "
                  "the extraction needs fixing", file=sys.stderr)
    if any(missed.values()):
        return 1

    notes = args.status or args.check
    if not notes:
        for rfc in chosen:
            for rid, section, sentence in found[rfc]:
                print(f"{rid}  §{section}: {sentence}")
        return 0

    paths = [Path(p) for p in notes]
    for path in paths:
        if not path.is_file():
            print(f"{path}: not found", file=sys.stderr)
            return 2
    return check(paths, found, show_status=bool(args.status))


if __name__ == "__main__":
    sys.exit(main())
