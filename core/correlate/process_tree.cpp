#include "core/correlate/process_tree.hpp"

#include <unordered_map>

#include "core/correlate/lineage.hpp"
#include "core/error.hpp"
#include "core/evidence/evidence.hpp"
#include "core/store/case_store.hpp"
#include "core/store/correlate_store.hpp"
#include "core/store/observation_store.hpp"

namespace casetrail::correlate {

namespace {

ProcessTree build_tree(const store::Database& db, const std::string& case_key,
                       const std::string& ref) {
  const model::CaseRecord c = store::require_case(db, case_key);
  const auto number = evidence::parse_observation_ref("observation", ref);
  const auto anchor = store::require_observation(db, c.id, c.key, number);
  const auto row = store::process_row(db, anchor.id);
  if (!row) {
    throw Error(ErrorCode::invalid_input, "tree needs a process id or process GUID: observation #" +
                                              std::to_string(number) + " has neither");
  }
  const Lineage lineage = build_lineage(db, c.id, *row, "tree");

  // Read every start record at once, with its techniques.
  std::vector<std::int64_t> ids;
  for (const auto& n : lineage.nodes) {
    for (const auto& s : n.starts) ids.push_back(s.id);
  }
  std::unordered_map<std::int64_t, model::ObservationRecord> records;
  for (auto& r : store::observations_by_id(db, c.id, ids)) {
    const auto id = r.id;
    records.emplace(id, std::move(r));
  }

  ProcessTree tree;
  tree.anchor_number = number;
  // Depth first from the root; children are already in time order.
  struct Pending {
    int node;
    int depth;
    std::optional<int> parent;
  };
  std::vector<Pending> stack{{lineage.root, 0, std::nullopt}};
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    const ProcessNode& n = lineage.nodes[static_cast<std::size_t>(p.node)];
    TreeNode t;
    for (const auto& s : n.starts) {
      if (auto it = records.find(s.id); it != records.end()) t.observations.push_back(it->second);
    }
    if (n.synthetic()) {
      if (p.node == lineage.anchor) {
        t.observations.push_back(anchor);
        t.synthetic = describe_synthetic(n);
      } else {
        t.synthetic = describe_synthetic(n);
      }
    }
    t.image = n.image;
    t.command_line = n.command_line;
    t.pid = n.pid;
    t.guid = n.guid;
    t.started_at = n.started_at;
    t.depth = p.depth;
    t.generation = n.generation;
    t.parent = p.parent;
    t.anchor = p.node == lineage.anchor;
    tree.nodes.push_back(std::move(t));
    const int index = static_cast<int>(tree.nodes.size()) - 1;
    for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) {
      stack.push_back({*it, p.depth + 1, index});
    }
  }
  return tree;
}

}  // namespace

ProcessTree process_tree(const store::Database& db, const std::string& case_key,
                         const std::string& ref) {
  ProcessTree tree;
  store::read_snapshot(db, [&] { tree = build_tree(db, case_key, ref); });
  return tree;
}

}  // namespace casetrail::correlate
