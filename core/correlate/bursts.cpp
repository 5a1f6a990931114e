#include "core/correlate/bursts.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/store/case_store.hpp"
#include "core/store/correlate_store.hpp"

namespace casetrail::correlate {
namespace {

// A burst being built: counts in maps until it closes.
struct Open {
  Burst burst;
  std::set<std::string> others;
  std::map<int, std::int64_t> kinds;  // by Kind value: the model's order
  std::map<std::string, std::int64_t> techniques;
  std::set<std::string> tactics;
};

Burst close(Open& open) {
  Burst b = std::move(open.burst);
  b.others.assign(open.others.begin(), open.others.end());
  for (const auto& [kind, count] : open.kinds) {
    b.kinds.emplace_back(std::string(model::to_string(static_cast<model::Kind>(kind))), count);
  }
  b.techniques.assign(open.techniques.begin(), open.techniques.end());
  b.tactics.assign(open.tactics.begin(), open.tactics.end());
  return b;
}

}  // namespace

std::string_view to_string(BurstBy by) { return by == BurstBy::host ? "host" : "account"; }

Bursts find_bursts(const store::Database& db, const BurstInput& input) {
  const model::CaseRecord c = store::require_case(db, input.case_key);
  Bursts out;
  const std::string gap_text = input.gap.value_or(k_default_gap);
  auto gap = time::parse_duration(gap_text);
  if (!gap) throw invalid_value("--gap", gap_text, gap.error());
  if (gap->count() < 0) throw invalid_value("--gap", gap_text, "must not be negative");
  out.gap = *gap;
  if (input.by && *input.by == "account") {
    out.by = BurstBy::account;
  } else if (input.by && *input.by != "host") {
    throw invalid_value("--by", *input.by, "expected host or account");
  }
  const auto filter = evidence::make_filter(c, input.filter);

  std::map<std::string, Open> open;  // by key
  std::vector<Burst> closed;
  store::for_each_event(db, c.id, filter, [&](const store::EventRow& e) {
    const std::string key = out.by == BurstBy::host ? e.host : e.account.value_or("-");
    auto it = open.find(key);
    if (it != open.end() && e.observed_at - it->second.burst.last > out.gap) {
      closed.push_back(close(it->second));
      open.erase(it);
      it = open.end();
    }
    if (it == open.end()) {
      it = open.emplace(key, Open{}).first;
      it->second.burst.key = key;
      it->second.burst.first = e.observed_at;
      it->second.burst.first_number = e.number;
    }
    Open& o = it->second;
    o.burst.last = e.observed_at;
    o.burst.last_number = e.number;
    ++o.burst.count;
    if (e.status == model::Status::verified) ++o.burst.verified;
    if (out.by == BurstBy::host) {
      if (e.account) o.others.insert(*e.account);
    } else {
      o.others.insert(e.host);
    }
    ++o.kinds[static_cast<int>(e.kind)];
    for (const auto& t : e.techniques) {
      ++o.techniques[t.id];
      o.tactics.insert(t.tactics.begin(), t.tactics.end());
    }
  });
  for (auto& [key, o] : open) closed.push_back(close(o));
  std::sort(closed.begin(), closed.end(), [](const Burst& a, const Burst& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.key != b.key) return a.key < b.key;
    return a.first_number < b.first_number;
  });
  out.bursts = std::move(closed);
  return out;
}

}  // namespace casetrail::correlate
