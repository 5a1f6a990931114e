#pragma once
// The process lineage around an observation as a tree: from the topmost
// ancestor found, down the chain to the anchor's process, then every
// descendant of it (lineage.hpp states the linking rules).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/observation_record.hpp"
#include "core/store/database.hpp"

namespace casetrail::correlate {

struct TreeNode {
  // The records of the process start (a Sysmon 1 and a Security 4688 of one
  // creation are one process), time order; empty for a synthetic process.
  // For a process whose start was not recorded, the anchor itself.
  std::vector<model::ObservationRecord> observations;
  // For a process no observation records: "cmd.exe (pid 1234, known only
  // from #5's parent fields)".
  std::optional<std::string> synthetic;
  std::optional<std::string> image;
  std::optional<std::string> command_line;
  std::optional<std::int64_t> pid;
  std::optional<std::string> guid;
  std::optional<time::UtcTime> started_at;
  int depth = 0;              // 0 for the root
  int generation = 0;         // relative to the anchor's process: -1 parent, 1 child
  std::optional<int> parent;  // index into ProcessTree::nodes
  bool anchor = false;        // the anchor's process
};

struct ProcessTree {
  std::int64_t anchor_number = 0;
  // Depth-first, parents before children, siblings in time order.
  std::vector<TreeNode> nodes;
};

// The tree around observation REF ("42" or "#42") of case `case_key`.
// Throws casetrail::Error: not_found (case, observation), invalid_input (a
// bad REF, or an observation with neither pid nor process GUID: "tree needs
// a process id or process GUID: observation #3 has neither").
ProcessTree process_tree(const store::Database& db, const std::string& case_key,
                         const std::string& ref);

}  // namespace casetrail::correlate
