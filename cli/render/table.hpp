#pragma once
// A plain text table for people: columns padded to their widest cell
// (by UTF-8 code points), cells with control bytes escaped.

#include <iosfwd>
#include <string>
#include <vector>

namespace casetrail::cli {

class Table {
public:
  explicit Table(std::vector<std::string> headers) : m_headers(std::move(headers)) {}
  void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  bool empty() const { return m_rows.empty(); }
  // Leaves column `index` out (header and cells) when every cell in it is
  // `blank`: an optional column appears only when some row has a value.
  void drop_column_if_blank(std::size_t index, const std::string& blank = "-");
  void print(std::ostream& out) const;

private:
  std::vector<std::string> m_headers;
  std::vector<std::vector<std::string>> m_rows;
};

// Makes bytes safe for a terminal line: control bytes and invalid UTF-8 as
// \xNN, at most `limit` code points (0: no limit) with "..." when cut.
std::string printable(const std::string& bytes, std::size_t limit = 0);

}  // namespace casetrail::cli
