#pragma once
// Errors, in two tiers (see docs/ARCHITECTURE.md):
// - fallible low-level functions return Result<T>, an std::expected look-alike
//   (g++ 12 has no std::expected) whose error is a plain message;
// - anything that must reach the user is thrown as casetrail::Error, caught
//   once in cli::run, printed as "casetrail: error: <message>" and mapped to an
//   exit status by its code.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace casetrail {

// Closed set of error kinds. cli::exit_status_for() maps each to an exit code.
enum class ErrorCode {
  usage,          // bad arguments: exit 2
  invalid_input,  // a value that does not parse or is out of range: exit 1
  not_found,      // unknown case, observation, technique, file: exit 1
  conflict,       // duplicate key, state that forbids the change: exit 1
  database,       // SQLite failed, or the file is not a casetrail database: exit 1
  io,             // a file could not be read or written: exit 1
  integrity,      // the hash chain or the database does not verify: exit 4
  partial,        // some input records were rejected, the rest was kept: exit 3
};

class Error : public std::runtime_error {
public:
  Error(ErrorCode code, std::string message)
      : std::runtime_error(std::move(message)), m_code(code) {}
  ErrorCode code() const noexcept { return m_code; }

private:
  ErrorCode m_code;
};

// The error side of a Result.
struct Unexpected {
  std::string message;
};

inline Unexpected unexpected(std::string message) { return Unexpected{std::move(message)}; }

// A value or an error message, with the parts of std::expected's API we use.
template <typename T>
class Result {
public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  Result(Unexpected error) : m_data(std::in_place_index<1>, std::move(error.message)) {}

  bool has_value() const noexcept { return m_data.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(m_data); }
  const T& value() const& { return std::get<0>(m_data); }
  T&& value() && { return std::get<0>(std::move(m_data)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const std::string& error() const { return std::get<1>(m_data); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

private:
  std::variant<T, std::string> m_data;
};

// Quotes untrusted input for an error message: at most `limit` bytes, control
// bytes and non-ASCII shown as \xNN so that a message stays one readable line.
std::string quote(std::string_view input, std::size_t limit = 80);

// Builds the standard message: invalid FIELD "VALUE": REASON
Error invalid_value(std::string_view field, std::string_view value, std::string_view reason);

}  // namespace casetrail
