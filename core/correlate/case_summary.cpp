#include "core/correlate/case_summary.hpp"

#include <algorithm>

#include "core/store/correlate_store.hpp"

namespace casetrail::correlate {
namespace {

SeenSpan seen(const store::Span& s) {
  return {s.key, s.first, s.last, s.count, s.verified, s.unverified};
}

std::vector<SeenSpan> ranked(const std::vector<store::Span>& spans) {
  std::vector<SeenSpan> out;
  for (const auto& s : spans) out.push_back(seen(s));
  std::sort(out.begin(), out.end(), [](const SeenSpan& a, const SeenSpan& b) {
    if (a.verified != b.verified) return a.verified > b.verified;
    if (a.count != b.count) return a.count > b.count;
    if (a.first != b.first) return a.first < b.first;
    return a.key < b.key;
  });
  return out;
}

}  // namespace

CaseSummary summarize_case(const store::Database& db, std::int64_t case_id) {
  const store::EvidenceSpans spans = store::evidence_spans(db, case_id);
  CaseSummary summary;
  if (spans.all) summary.all = seen(*spans.all);
  summary.hosts = ranked(spans.hosts);
  summary.accounts = ranked(spans.accounts);
  for (const auto& s : spans.techniques) summary.techniques.push_back(seen(s));
  std::sort(summary.techniques.begin(), summary.techniques.end(),
            [](const SeenSpan& a, const SeenSpan& b) {
              if (a.first != b.first) return a.first < b.first;
              return a.key < b.key;
            });
  summary.excluded = spans.excluded;
  return summary;
}

}  // namespace casetrail::correlate
