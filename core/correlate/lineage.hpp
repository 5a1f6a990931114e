#pragma once
// Process lineage: the ancestors and descendants of one process, across any
// time span.
//
// A process is one execution: the observations that record its start (a
// Sysmon 1 and a Security 4688 of one creation are one execution: same host,
// same pid, same image name, different sources, at most 1 s apart). Links
// follow process GUIDs where a record has them (Sysmon ProcessGuid /
// ParentProcessGuid, ECS entity_id), else host + pid + time: the parent of a
// child is the latest process start with the child's parent pid on the
// child's host at or before the child started (PIDs are reused), unless that
// start's image contradicts the child's parent image (then the real parent
// was not recorded). A parent that no observation records, known only from a
// child's parent fields, is a synthetic process.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/correlate_store.hpp"
#include "core/store/database.hpp"

namespace casetrail::correlate {

struct ProcessNode {
  // The start observations of this execution, in time order (ties by
  // number); empty for a synthetic process, or when the process is known only
  // from the anchor's own fields (a network event whose process start was
  // not recorded).
  std::vector<store::ProcessRow> starts;
  std::int64_t host_id = 0;
  std::optional<std::string> image;
  std::optional<std::string> command_line;
  std::optional<std::int64_t> pid;
  std::optional<std::string> guid;
  // When it started (its first start observation), if recorded.
  std::optional<time::UtcTime> started_at;
  // For a synthetic process: the number of the observation whose parent
  // fields describe it, and that observation's time.
  std::optional<std::int64_t> known_from;
  std::optional<time::UtcTime> known_at;
  std::optional<int> parent;  // index into Lineage::nodes
  std::vector<int> children;  // in time order
  // Generations from the anchor's process: -1 its parent, 0 itself, 1 a child.
  int generation = 0;
  // Observations of other kinds this process made (network, file, ...):
  // filled for the anchor's process and its descendants.
  std::vector<store::ObservationKey> activity;

  bool synthetic() const { return starts.empty(); }
  // The observation that stands for the process in reasons ("child of #12"):
  // the start with a GUID (the richer record), else the first.
  std::optional<std::int64_t> number() const;
};

struct Lineage {
  std::vector<ProcessNode> nodes;
  int root = 0;    // the topmost ancestor found
  int anchor = 0;  // the anchor's process
};

// Builds the lineage of the process behind `anchor`: for kind process, the
// execution it records; for another kind, the process it names (by GUID, else
// the latest start with its pid on its host at or before it). Ancestors up to
// the first one without a recorded or describable parent, descendants
// without depth limit. Throws Error(invalid_input) when `anchor` has neither
// a pid nor a GUID: "WHAT needs a process id or process GUID: observation #N
// has neither", WHAT being what asked ("--scope lineage", "tree").
Lineage build_lineage(const store::Database& db, std::int64_t case_id,
                      const store::ProcessRow& anchor, std::string_view what);

// "cmd.exe (pid 1234, known only from #5's parent fields)", or for a process
// known only from the anchor "powershell.exe (pid 42, start not recorded)".
std::string describe_synthetic(const ProcessNode& node);

// The file name of an image path ("C:\\Windows\\cmd.exe" -> "cmd.exe"), as given.
std::string image_file_name(const std::string& image);

}  // namespace casetrail::correlate
