#pragma once
// The shape every import reader produces. A reader walks one input file and
// yields items in file order: a Windows event (flat JSON, XML and .evtx all
// come to this, and one mapper turns it into an observation), an observation
// the reader mapped itself (auditd, ECS, CSV), a record skipped on purpose,
// or a rejected record with its place and the reason.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model/observation.hpp"

namespace date {
class time_zone;
}

namespace casetrail::ingest {

// Conventions every reader and the Windows event mapper follow, so that
// correlation and export read one shape whatever the source:
// - the acting process of any kind goes in NewObservation::process (image,
//   pid, guid; for kind process also the command line and parent fields);
// - a Windows process GUID ("{365abb72-516b-5cd8-0000-001087e41600}") is
//   written in lower case, whatever case the container rendered it in;
// - a logon id (lower-case hex "0xc61d9") goes in process->logon_id: for a
//   process, the session it runs in; for kind logon, the session it opened
//   (TargetLogonId) - process->image/pid are then the requesting process;
// - kind-specific attributes (NewObservation::attrs), by kind:
//   logon:      event (logon|logon_failed|explicit_credentials|logoff),
//               logon_type, source_address, source_port, logon_process,
//               auth_package, target_account (4648), failure_reason;
//               also workstation_name, subject_logon_id (4624/4625),
//               status, sub_status (4625), target_server (4648)
//   network:    protocol, source_ip, source_port, destination_ip,
//               destination_port, destination_hostname, initiated;
//               also source_hostname
//   file:       target_filename, creation_time
//   registry:   event_type, target_object, details, new_name
//   dns:        query_name, query_status, query_results
//   image_load: image_loaded, signed, signature, hashes; also signature_status
//   process:    auid, uid, tty, session (auditd), rule_name (Sysmon); also
//               original_file_name (Sysmon), token_elevation_type (4688)
//   any kind:   rule_name (Sysmon RuleName, when not "-");
//               time_precision_reduced (the time was written with non-zero
//               digits beyond microseconds, which were cut: fields.hpp)

// What a reader may need beyond the file.
struct ReaderOptions {
  std::string display_path;               // the path as given, for places in messages
  std::optional<std::string> host;        // --host: for sources without one (auditd without node=)
  const date::time_zone* source_tz = nullptr;  // --source-tz: for times without a zone
  // --map column=field (CSV with a header other than casetrail's own), in
  // the order given.
  std::vector<std::pair<std::string, std::string>> csv_map;
};

// A Windows event as its System and EventData parts state it, whatever the
// container (https://learn.microsoft.com/en-us/windows/win32/wes/eventschema-schema).
struct WindowsEvent {
  std::string channel;   // "Microsoft-Windows-Sysmon/Operational", "Security"
  std::string provider;  // "Microsoft-Windows-Sysmon"
  int event_id = 0;
  std::string computer;                   // System/Computer (or Hostname)
  std::optional<std::string> system_time; // System/TimeCreated/@SystemTime as written
  std::optional<std::int64_t> record_id;  // System/EventRecordID
  // EventData (or UserData) Name -> value, in document order.
  std::vector<std::pair<std::string, std::string>> data;

  // The value of a data field, or nullopt.
  const std::string* field(std::string_view name) const {
    for (const auto& [k, v] : data) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

struct ReadItem {
  enum class Type { windows_event, observation, skipped, rejected };
  Type type = Type::rejected;
  std::string place;  // "file.jsonl:42", "file.evtx record 17", "audit.log:3 (serial 93777)"
  std::string raw;    // the source record verbatim (or as close as the format allows)
  std::optional<WindowsEvent> windows_event;
  std::optional<model::NewObservation> observation;
  std::string skipped_source;  // for skipped: "Security 5158", "auditd CRED_DISP"
  std::string reason;          // for rejected
  // For observation: it carries its own raw record and source reference
  // (casetrail's own csv, jsonl or ECS export: the original ones), which the
  // import keeps instead of this item's raw and place.
  bool keeps_provenance = false;
};

class RecordReader {
public:
  virtual ~RecordReader() = default;
  // The next item, or nullopt at the end of the input. A bad record is a
  // rejected item, never an exception; throws casetrail::Error(io) only when
  // the input cannot be read at all.
  virtual std::optional<ReadItem> next() = 0;
  // Bytes of the input consumed so far (for progress).
  virtual std::uint64_t bytes_read() const = 0;
  // What a --rejects file needs before the rejected records to be read again
  // in this format (the header line of a CSV file, with its line end), or "".
  virtual std::string rejects_preamble() const { return {}; }
};

}  // namespace casetrail::ingest
