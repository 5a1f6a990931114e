#!/usr/bin/env python3
"""Baseline for the import benchmark: a plain Python script (stdlib json,
sqlite3, hashlib, uuid only) doing the same mapping as `casetrail import` for
the records bench/gen_case.py --kinds process writes, into the same schema
(Security 4688 records are skipped: this baseline does less than casetrail).

For each record: parse the JSON line; map Sysmon 1 (flat Windows JSON) or an
ECS process start to an observation and its process row (time from UtcTime /
@timestamp, host, DOMAIN\\user, pid, GUIDs, parent, logon id normalised to
lower-case hex, arguments split by the Windows C runtime rules or taken from
process.args, techniques from RuleName / threat.technique.id); a fingerprint
(SHA-256 of the source identity and content, 16 bytes); a UUID; the raw record
kept verbatim (stored uncompressed: the stdlib has no zstd). Hosts and accounts
are created on first sight. One transaction per 2048 records, as casetrail.

Usage: py_import.py DATABASE CASE_KEY FILE   (the case must exist)
Prints: records=N seconds=S records_per_s=R
"""
import datetime
import hashlib
import json
import sqlite3
import sys
import time
import uuid

BATCH = 2048
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def parse_time(text):
    """'2026-03-01 08:00:00.005' or '2026-03-01T08:00:00.005Z' -> (us, digits)."""
    date_part, clock = text[:10], text[11:].rstrip("Z")
    whole, _, fraction = clock.partition(".")
    t = datetime.datetime.fromisoformat(date_part + "T" + whole).replace(tzinfo=datetime.timezone.utc)
    us = int((t - EPOCH).total_seconds()) * 1_000_000
    if fraction:
        us += int(fraction[:6].ljust(6, "0"))
    return us, min(len(fraction), 6)


def split_windows(line):
    """argv as the Microsoft C runtime splits a command line."""
    args, i, n = [], 0, len(line)
    # Program name: up to the first space/tab outside quotes; quotes dropped.
    name, quoted = [], False
    while i < n and (quoted or line[i] not in " \t"):
        if line[i] == '"':
            quoted = not quoted
        else:
            name.append(line[i])
        i += 1
    args.append("".join(name))
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        arg, quoted = [], False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == "\\":
                j = i
                while j < n and line[j] == "\\":
                    j += 1
                count = j - i
                if j < n and line[j] == '"':
                    arg.append("\\" * (count // 2))
                    i = j
                    if count % 2:
                        arg.append('"')
                        i += 1
                    continue
                arg.append("\\" * count)
                i = j
                continue
            if line[i] == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    arg.append('"')
                    i += 2
                    continue
                quoted = not quoted
                i += 1
                continue
            arg.append(line[i])
            i += 1
        args.append("".join(arg))


def logon_id(text):
    if not text:
        return None
    return "0x%x" % (int(text, 16) if text.lower().startswith("0x") else int(text))


def techniques_of(rule):
    out = []
    for pair in rule.replace(";", ",").split(","):
        key, _, value = pair.partition("=")
        if key.strip() == "technique_id" and value.strip():
            out.append(value.strip())
    return out


def fingerprint(*parts):
    h = hashlib.sha256()
    for p in parts:
        b = p if isinstance(p, bytes) else str(p).encode()
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.digest()[:16]


def map_record(line):
    r = json.loads(line)
    if "EventID" in r:  # flat Windows event JSON: Sysmon 1
        if r.get("EventID") != 1:
            return None
        at, digits = parse_time(r["UtcTime"])
        cmd = r.get("CommandLine")
        domain_user = r.get("User")
        return {
            "at": at, "digits": digits, "text": r["UtcTime"], "time_source": "Sysmon UtcTime",
            "host": r["Hostname"], "account": domain_user, "source": "Sysmon 1",
            "techniques": techniques_of(r.get("RuleName", "")),
            "fingerprint": fingerprint("windows event", r["Channel"], r["Hostname"], "record",
                                       r.get("EventRecordID"), line),
            "image": r.get("Image"), "cmd": cmd, "args": split_windows(cmd) if cmd else None,
            "args_source": "windows", "pid": int(r["ProcessId"]), "guid": r.get("ProcessGuid"),
            "pimage": r.get("ParentImage"), "pcmd": r.get("ParentCommandLine"),
            "ppid": int(r["ParentProcessId"]) if r.get("ParentProcessId") else None,
            "pguid": r.get("ParentProcessGuid"), "cwd": r.get("CurrentDirectory"),
            "logon": logon_id(r.get("LogonId")), "integrity": r.get("IntegrityLevel"),
            "hashes": r.get("Hashes"), "user": domain_user,
            "attrs": {"rule_name": r["RuleName"]} if r.get("RuleName", "-") != "-" else None,
        }
    # ECS process start
    event = r.get("event", {})
    if "process" not in event.get("category", []) or "start" not in event.get("type", []):
        return None
    at, digits = parse_time(r["@timestamp"])
    p = r.get("process", {})
    parent = p.get("parent", {})
    user = r.get("user", {})
    account = (user["domain"] + "\\" + user["name"]) if user.get("domain") else user.get("name")
    threat = r.get("threat", {}).get("technique", {})
    hashes = p.get("hash", {})
    return {
        "at": at, "digits": digits, "text": r["@timestamp"], "time_source": "@timestamp",
        "host": r["host"]["name"], "account": account, "source": "ECS",
        "techniques": list(threat.get("id", [])),
        "fingerprint": fingerprint("ecs", "event.id", event.get("id"), line),
        "image": p.get("executable"), "cmd": p.get("command_line"), "args": p.get("args"),
        "args_source": "source", "pid": p.get("pid"), "guid": p.get("entity_id"),
        "pimage": parent.get("executable"), "pcmd": parent.get("command_line"),
        "ppid": parent.get("pid"), "pguid": parent.get("entity_id"),
        "cwd": p.get("working_directory"), "logon": logon_id(p.get("Ext", {}).get("authentication_id")),
        "integrity": None,
        "hashes": ",".join("%s=%s" % (k.upper(), v) for k, v in hashes.items()) or None,
        "user": account, "attrs": None,
    }


def main():
    db_path, case_key, path = sys.argv[1:4]
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA cache_size = -32768")
    case_id = db.execute("SELECT id FROM case_file WHERE key = ?", (case_key,)).fetchone()[0]
    now = int(time.time() * 1_000_000)
    run = db.execute("INSERT INTO import_run (case_id, path, sha256, size, format, analyst, started_at) "
                     "VALUES (?, ?, ?, ?, 'python', 'bench', ?)",
                     (case_id, path, hashlib.sha256(open(path, "rb").read()).hexdigest(),
                      0, now)).lastrowid
    hosts, accounts = {}, {}

    def host_id(name):
        key = name.lower().split(".")[0]
        if key not in hosts:
            db.execute("INSERT OR IGNORE INTO host (case_id, canonical, platform, first_name) "
                       "VALUES (?, ?, 'windows', ?)", (case_id, key, name))
            hosts[key] = db.execute("SELECT id FROM host WHERE case_id = ? AND canonical = ?",
                                    (case_id, key)).fetchone()[0]
        return hosts[key]

    def account_id(name):
        if not name:
            return None
        key = name.lower()
        if key not in accounts:
            domain, _, user = key.rpartition("\\")
            db.execute("INSERT OR IGNORE INTO account (case_id, canonical, domain, user_name, first_name) "
                       "VALUES (?, ?, ?, ?, ?)", (case_id, key, domain or None, user, name))
            accounts[key] = db.execute("SELECT id FROM account WHERE case_id = ? AND canonical = ?",
                                       (case_id, key)).fetchone()[0]
        return accounts[key]

    number = db.execute("SELECT coalesce(max(number), 0) FROM observation WHERE case_id = ?",
                        (case_id,)).fetchone()[0]
    start = time.monotonic()
    count = 0
    batch = []

    def flush():
        nonlocal number
        db.execute("BEGIN IMMEDIATE")
        for line_no, line, o in batch:
            cur = db.execute(
                "INSERT INTO observation (case_id, number, uuid, kind, observed_at, observed_offset, "
                "observed_text, time_precision, time_source, host_id, host_observed, account_id, "
                "account_observed, source, source_ref, import_run_id, fingerprint, analyst, logged_at, "
                "raw, raw_codec, attrs) VALUES (?, ?, ?, 'process', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "'bench', ?, ?, 'identity', ?) ON CONFLICT (case_id, fingerprint) DO NOTHING",
                (case_id, number + 1, str(uuid.uuid4()), o["at"], o["text"], o["digits"], o["time_source"],
                 host_id(o["host"]), o["host"], account_id(o["account"]), o["account"], o["source"],
                 "%s:%d" % (path, line_no), run, o["fingerprint"], now, line,
                 json.dumps(o["attrs"]) if o["attrs"] else None))
            if cur.rowcount == 0:
                continue
            number += 1
            oid = cur.lastrowid
            image = o["image"]
            db.execute(
                "INSERT INTO process (observation_id, image, image_name, command_line, args, args_source, "
                "pid, guid, parent_image, parent_command_line, parent_pid, parent_guid, cwd, logon_id, "
                "integrity_level, hashes, user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (oid, image, image.replace("/", "\\").rsplit("\\", 1)[-1].lower() if image else None,
                 o["cmd"].encode() if o["cmd"] is not None else None,
                 json.dumps(o["args"]) if o["args"] is not None else None,
                 o["args_source"] if o["args"] is not None else None, o["pid"], o["guid"], o["pimage"],
                 o["pcmd"].encode() if o["pcmd"] is not None else None, o["ppid"], o["pguid"], o["cwd"],
                 o["logon"], o["integrity"], o["hashes"], o["user"]))
            for t in o["techniques"]:
                db.execute("INSERT OR IGNORE INTO observation_technique (observation_id, technique_id) "
                           "VALUES (?, ?)", (oid, t))
        db.execute("COMMIT")
        batch.clear()

    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, 1):
            line = raw.rstrip(b"\r\n")
            if not line:
                continue
            count += 1
            o = map_record(line)
            if o is None:
                continue
            batch.append((line_no, line, o))
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    seconds = time.monotonic() - start
    print("records=%d seconds=%.3f records_per_s=%.0f" % (count, seconds, count / seconds))


if __name__ == "__main__":
    main()
