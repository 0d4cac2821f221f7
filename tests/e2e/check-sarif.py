#!/usr/bin/env python3
"""check-sarif.py — checks cgosan's SARIF logs (CGOSAN_OPTIONS=log_format=sarif,
cgosan-run --sarif) against the SARIF 2.1.0 schema and against the text
reports of the same run.

  check-sarif.py --schema SCHEMA [--text FILE]... [--results N]
                 [--suppressed N] [--runs N] [--uri-prefix P] SARIF...

Every SARIF file must validate against SCHEMA (python3-jsonschema). Each run
must name the tool, its version, and a rule per report kind with its texts.
Each result must have ruleId = a kind, level error, its message, its stacks,
its top frame as its location and the first frame of each further stack as
a related location; a suppressed one a suppression entry. The results that
are not suppressed must match, process by process (invocations[0].processId)
and in order, the text reports in the --text files, when given (==PID==ERROR: ...):
kind, message and notes, every frame of every stack, the stacks' titles.
--results, --suppressed and --runs check the totals; --uri-prefix P that
every result's location is a URI starting with P (strip_path_prefix made
it relative).
Exit 0 when all holds; else 1, with each failure on stderr.
"""
import argparse
import json
import re
import sys
import urllib.parse

import jsonschema

KINDS = [
    "unpinned-pointer-in-argument", "unpinned-pointer-in-result",
    "unpinned-pointer-store", "retained-pointer", "data-race",
    "invalid-handle", "pinner-leak", "bad-callback", "unwind-across-boundary",
    "stack-overflow", "api-misuse", "out-of-memory",
]
HEADER = re.compile(r"^(?:\x1b\[[0-9;]*m)*==(\d+)==ERROR: CgoSanitizer: ([a-z-]+)")
FRAME = re.compile(r"^    #\d+ 0x[0-9a-f]+ (.*)$")
NO_STACK = ("    <no stack recorded>", "    <empty stack>")
ELIDED = re.compile(r"^    \.\.\. \d+ frames elided \.\.\.$")

failures = []


def fail(where, what):
    failures.append(f"{where}: {what}")


def parse_text_reports(lines):
    """[(pid, report)] from text output: kind, message, notes, stacks."""
    reports = []
    i = 0
    while i < len(lines):
        m = HEADER.match(lines[i])
        if not m:
            i += 1
            continue
        report = {"kind": m.group(2), "message": lines[i + 1], "notes": [],
                  "stacks": []}
        i += 2
        frames = []
        while i < len(lines) and (FRAME.match(lines[i]) or ELIDED.match(lines[i])
                                  or lines[i] in NO_STACK):
            if FRAME.match(lines[i]):
                frames.append(FRAME.match(lines[i]).group(1))
            i += 1
        report["stacks"].append(("stack of the report", frames))
        while i < len(lines) and not lines[i].startswith("SUMMARY: "):
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if FRAME.match(following) or following in NO_STACK:
                title = lines[i].strip().rstrip(":")
                i += 1
                frames = []
                while i < len(lines) and (FRAME.match(lines[i]) or lines[i] in NO_STACK):
                    if FRAME.match(lines[i]):
                        frames.append(FRAME.match(lines[i]).group(1))
                    i += 1
                report["stacks"].append((title, frames))
            else:
                if len(report["stacks"]) == 1:
                    report["notes"].append(lines[i])
                i += 1
        reports.append((int(m.group(1)), report))
    return reports


def frame_text(frame):
    """A SARIF stack frame as the text renders it: 'in F FILE:LINE:COL'."""
    location = frame["location"]
    physical = location["physicalLocation"]
    logical = location.get("logicalLocations", [])
    parts = []
    if logical:
        parts.append("in " + logical[0]["fullyQualifiedName"])
    if "artifactLocation" in physical:
        uri = physical["artifactLocation"]["uri"]
        path = urllib.parse.unquote(uri[len("file://"):] if uri.startswith("file://") else uri)
        region = physical.get("region", {})
        if "startLine" in region:
            path += f":{region['startLine']}"
            if "startColumn" in region:
                path += f":{region['startColumn']}"
        parts.append(path)
    return " ".join(parts)


def check_run(where, run):
    driver = run["tool"]["driver"]
    if driver.get("name") != "CgoSanitizer":
        fail(where, f"tool.driver.name is {driver.get('name')!r}")
    if not driver.get("version"):
        fail(where, "tool.driver.version is missing")
    rules = driver.get("rules", [])
    if [r["id"] for r in rules] != KINDS:
        fail(where, f"rules are {[r['id'] for r in rules]}, not every kind")
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            if not rule.get(key, {}).get("text"):
                fail(where, f"rule {rule['id']} has no {key} text")
    for n, result in enumerate(run["results"]):
        check_result(f"{where} result {n}", result, rules)


def check_result(where, result, rules):
    rule_id = result.get("ruleId")
    if rule_id not in KINDS:
        fail(where, f"ruleId {rule_id!r} is not a report kind")
    elif rules[result["ruleIndex"]]["id"] != rule_id:
        fail(where, f"ruleIndex {result['ruleIndex']} is not {rule_id}")
    if result.get("level") != "error":
        fail(where, f"level is {result.get('level')!r}")
    if not result["message"].get("text"):
        fail(where, "no message text")
    stacks = result.get("stacks", [])
    if not stacks:
        fail(where, "no stacks")
        return
    top = stacks[0]["frames"][0]["location"] if stacks[0]["frames"] else None
    if top and result.get("locations") != [top]:
        fail(where, "locations is not the top frame of the report's stack")
    related = result.get("relatedLocations", [])
    titled = {s["message"]["text"]: s["frames"] for s in stacks[1:] if s["frames"]}
    if [r["message"]["text"] for r in related] != list(titled):
        fail(where, "a related location per further stack with frames, by its title")
    for r in related:
        frames = titled.get(r["message"]["text"])
        if frames and r["physicalLocation"] != frames[0]["location"]["physicalLocation"]:
            fail(where, f"related location {r['id']} is not its stack's first frame")
    if len({r["id"] for r in related}) != len(related):
        fail(where, "related location ids repeat")
    for s in result.get("suppressions", []):
        if s.get("kind") != "external" or rule_id not in s.get("justification", ""):
            fail(where, f"suppression {s} does not name the suppressions file's {rule_id} line")


def compare(where, result, report):
    if result["ruleId"] != report["kind"]:
        fail(where, f"ruleId {result['ruleId']} but the text says {report['kind']}")
        return
    text = "\n".join([report["message"]] + report["notes"])
    if result["message"]["text"] != text:
        fail(where, f"message {result['message']['text']!r} but the text says {text!r}")
    got = [(s["message"]["text"], [frame_text(f) for f in s["frames"]])
           for s in result["stacks"]]
    if len(got) != len(report["stacks"]):
        fail(where, f"{len(got)} stacks but the text shows {len(report['stacks'])}")
    for (title, frames), (want_title, want_frames) in zip(got, report["stacks"]):
        if title != want_title:
            fail(where, f"stack {title!r} but the text says {want_title!r}")
        if len(frames) != len(want_frames):
            fail(where, f"stack {title!r}: {len(frames)} frames, the text {len(want_frames)}")
        for frame, want in zip(frames, want_frames):
            # A frame without a source file: the text adds '(module+0x...)',
            # which SARIF has as the frame's module and address.
            if frame != want and not want.startswith((frame + " (", "(")):
                fail(where, f"stack {title!r}: frame {frame!r} but the text says {want!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("--text", action="append", default=[])
    parser.add_argument("--results", type=int)
    parser.add_argument("--suppressed", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--uri-prefix", help="every result's location starts so")
    parser.add_argument("sarif", nargs="+")
    args = parser.parse_args()

    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    runs = []
    for path in args.sarif:
        try:
            with open(path, encoding="utf-8") as f:
                log = json.load(f)
        except (OSError, ValueError) as e:
            fail(path, f"not a JSON file: {e}")
            continue
        for error in validator.iter_errors(log):
            fail(path, f"schema: {error.message} at {list(error.absolute_path)}")
        for n, run in enumerate(log.get("runs", [])):
            check_run(f"{path} run {n}", run)
            runs.append((f"{path} run {n}", run))

    text_reports = {}
    for path in args.text:
        with open(path, encoding="utf-8", errors="replace") as f:
            for pid, report in parse_text_reports(f.read().splitlines()):
                text_reports.setdefault(pid, []).append(report)
    results = [r for _, run in runs for r in run["results"]]
    for r in results if args.uri_prefix else []:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        if not uri.startswith(args.uri_prefix):
            fail("locations", f"{uri} does not start with {args.uri_prefix}")
    suppressed = [r for r in results if r.get("suppressions")]
    for where, run in runs if args.text else []:
        pid = run["invocations"][0]["processId"]
        shown = [r for r in run["results"] if not r.get("suppressions")]
        reports = text_reports.pop(pid, [])
        if len(shown) != len(reports):
            fail(where, f"{len(shown)} results not suppressed, but process {pid} "
                        f"printed {len(reports)} text reports")
        for n, (result, report) in enumerate(zip(shown, reports)):
            compare(f"{where} (process {pid}) report {n}", result, report)
    for pid, reports in text_reports.items():
        fail("text", f"process {pid} printed {len(reports)} reports in no SARIF run")
    for name, want, got in (("results", args.results, len(results)),
                            ("suppressed results", args.suppressed, len(suppressed)),
                            ("runs", args.runs, len(runs))):
        if want is not None and got != want:
            fail("totals", f"{got} {name}, expected {want}")

    for failure in failures:
        print(f"check-sarif: {failure}", file=sys.stderr)
    if not failures:
        print(f"check-sarif: {len(runs)} run(s), {len(results)} result(s) "
              f"({len(suppressed)} suppressed): all valid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
