#!/usr/bin/env python3
"""Deterministic generator of synthetic telemetry for the import benchmark.

Writes N records to stdout, seeded, so that every run of the benchmark reads
the same bytes:
  --format windows-json  flat Windows event JSON lines in the OTRF shape
                         (EventID, Channel, Hostname, TimeCreated, Message and
                         every EventData field at top level): Sysmon 1 process
                         creations with a few Security 4688 among them;
  --format ecs           ECS NDJSON process start events as Elastic Agent
                         writes them (process.*, process.parent.*, user.*,
                         host.*, event.*, process.args).
Records are about 1.5 KB, spread over many hosts and accounts, in time order.

Usage: gen_events.py --format windows-json --count 100000 [--seed 1] > out.jsonl
"""
import argparse
import datetime
import json
import random
import sys

IMAGES = [
    (r"C:\Windows\System32\cmd.exe", "Windows Command Processor", "Cmd.Exe"),
    (r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", "Windows PowerShell", "PowerShell.EXE"),
    (r"C:\Windows\System32\rundll32.exe", "Windows host process (Rundll32)", "RUNDLL32.EXE"),
    (r"C:\Windows\System32\mshta.exe", "Microsoft (R) HTML Application host", "MSHTA.EXE"),
    (r"C:\Windows\System32\svchost.exe", "Host Process for Windows Services", "svchost.exe"),
    (r"C:\Windows\System32\net.exe", "Net Command", "net.exe"),
    (r"C:\Windows\System32\whoami.exe", "whoami - displays logged on user information", "whoami.exe"),
    (r"C:\Program Files\Google\Chrome\Application\chrome.exe", "Google Chrome", "chrome.exe"),
]
ARGS = [
    "/c whoami /all", "-nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
    "user /domain", "-k netsvcs -p -s Schedule", "--type=renderer --field-trial-handle=1640,4201 /prefetch:1",
    'vbscript:Execute("CreateObject(""Wscript.Shell"").Run ""powershell -noexit"":close")',
    r'C:\Users\Public\lib.dll,DllRegisterServer', "/groups /fo csv",
]
TECHNIQUES = ["technique_id=T1059.001,technique_name=PowerShell", "technique_id=T1218.005,technique_name=Mshta", "-", "-", "-"]


def guid(rng):
    return "{%08x-%04x-%04x-%04x-%012x}" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16),
                                            rng.getrandbits(16), rng.getrandbits(48))


def hexhash(rng, n):
    return "%0*X" % (n, rng.getrandbits(n * 4))


def sysmon1(rng, i, t, host, domain, user):
    image, desc, original = rng.choice(IMAGES)
    parent, _, _ = rng.choice(IMAGES)
    pid, ppid = rng.randrange(100, 65000), rng.randrange(100, 65000)
    cmd = '"%s" %s' % (image, rng.choice(ARGS))
    pcmd = '"%s" %s' % (parent, rng.choice(ARGS))
    logon = "0x%x" % rng.randrange(0x10000, 0xfffffff)
    hashes = "SHA1=%s,MD5=%s,SHA256=%s,IMPHASH=%s" % (hexhash(rng, 40), hexhash(rng, 32), hexhash(rng, 64), hexhash(rng, 32))
    utc = t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000)
    pg, ppg = guid(rng), guid(rng)
    fields = {
        "RuleName": rng.choice(TECHNIQUES), "UtcTime": utc, "ProcessGuid": pg, "ProcessId": str(pid), "Image": image,
        "FileVersion": "10.0.19041.1 (WinBuild.160101.0800)", "Description": desc,
        "Product": "Microsoft\u00ae Windows\u00ae Operating System", "Company": "Microsoft Corporation",
        "OriginalFileName": original, "CommandLine": cmd, "CurrentDirectory": "C:\\Users\\%s\\" % user,
        "User": "%s\\%s" % (domain, user), "LogonGuid": guid(rng), "LogonId": logon, "TerminalSessionId": "1",
        "IntegrityLevel": rng.choice(["Medium", "High"]), "Hashes": hashes, "ParentProcessGuid": ppg,
        "ParentProcessId": str(ppid), "ParentImage": parent, "ParentCommandLine": pcmd,
    }
    # The rendered message repeats the data; pipelines often cut it short.
    message = "Process Create:\r\n" + "\r\n".join("%s: %s" % kv for kv in list(fields.items())[:6])
    record = {
        "@timestamp": (t - datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Hostname": host,
        "SourceName": "Microsoft-Windows-Sysmon", "ProviderGuid": "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}",
        "Level": "4", "Task": "1", "Keywords": "0x8000000000000000", "EventRecordID": i + 1,
        "TimeCreated": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "Message": message,
    }
    record.update(fields)
    return record


def ecs(rng, i, t, host, domain, user):
    image, desc, original = rng.choice(IMAGES)
    parent, _, _ = rng.choice(IMAGES)
    args = rng.choice(ARGS)
    cmd = '"%s" %s' % (image, args)
    return {
        "@timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "agent": {"type": "endpoint", "version": "8.11.0", "id": "%032x" % rng.getrandbits(128)},
        "ecs": {"version": "8.11.0"},
        "event": {"kind": "event", "category": ["process"], "type": ["start"], "action": "start",
                  "dataset": "endpoint.events.process", "module": "endpoint", "id": "%032x" % rng.getrandbits(128),
                  "created": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"},
        "host": {"name": host.lower(), "hostname": host, "id": "%032x" % rng.getrandbits(128),
                 "os": {"type": "windows", "platform": "windows", "family": "windows",
                        "name": "Windows 10 Pro", "version": "22H2", "kernel": "22H2 (10.0.19045.3693)"},
                 "ip": ["10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))]},
        "user": {"name": user, "domain": domain, "id": "S-1-5-21-%d-%d-%d-%d" % (
            rng.randrange(10**9), rng.randrange(10**9), rng.randrange(10**9), rng.randrange(1000, 5000))},
        "process": {
            "pid": rng.randrange(100, 65000), "entity_id": "%032x" % rng.getrandbits(128),
            "executable": image, "name": image.rsplit("\\", 1)[1], "command_line": cmd,
            "args": [image] + args.split(" "), "args_count": 1 + len(args.split(" ")),
            "working_directory": "C:\\Users\\%s\\" % user,
            "hash": {"sha256": hexhash(rng, 64).lower(), "sha1": hexhash(rng, 40).lower(), "md5": hexhash(rng, 32).lower()},
            "pe": {"original_file_name": original, "description": desc, "company": "Microsoft Corporation"},
            "parent": {"pid": rng.randrange(100, 65000), "entity_id": "%032x" % rng.getrandbits(128),
                       "executable": parent, "name": parent.rsplit("\\", 1)[1],
                       "command_line": '"%s" %s' % (parent, rng.choice(ARGS))},
            "Ext": {"authentication_id": "0x%x" % rng.randrange(0x10000, 0xfffffff)},
        },
        "threat": {"technique": {"id": [rng.choice(["T1059", "T1218", "T1047"])]}} if rng.random() < 0.2 else {},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--format", choices=["windows-json", "ecs"], required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    hosts = ["WS%05d" % n for n in range(args.hosts)]
    accounts = [("CORP", "user%05d" % n) for n in range(args.accounts)]
    t = datetime.datetime(2026, 3, 1, 8, 0, 0)
    out = sys.stdout
    make = sysmon1 if args.format == "windows-json" else ecs
    for i in range(args.count):
        t += datetime.timedelta(microseconds=rng.randrange(1000, 20000))
        domain, user = rng.choice(accounts)
        record = make(rng, i, t, rng.choice(hosts), domain, user)
        out.write(json.dumps(record, separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
