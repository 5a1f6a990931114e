#include "core/cmdline/cmdline.hpp"

#include <cstddef>

namespace casetrail::cmdline {

namespace {

bool is_windows_blank(char c) { return c == ' ' || c == '\t'; }

bool is_posix_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool is_ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// The program name by the C runtime's argv[0] rule: every " toggles quoting
// and is dropped, backslashes are literal, a space or tab outside quotes ends
// it. `pos` is left just past the terminating blank (or at the end).
std::string windows_program_name(std::string_view s, std::size_t& pos) {
  std::string name;
  bool in_quotes = false;
  while (pos < s.size()) {
    const char c = s[pos++];
    if (c == '"') {
      in_quotes = !in_quotes;
    } else if (!in_quotes && is_windows_blank(c)) {
      break;
    } else {
      name += c;
    }
  }
  return name;
}

bool looks_like_windows_path(std::string_view path) {
  if (path.empty()) return false;
  // Drive letter: "C:\...", "C:/...", "C:" (drive-relative "C:x" is covered
  // by the extension test when it names a program).
  if (path.size() >= 2 && is_ascii_letter(path[0]) && path[1] == ':' &&
      (path.size() == 2 || path[2] == '\\' || path[2] == '/')) {
    return true;
  }
  // A backslash, which also covers UNC paths (\\server\share) and \??\ NT
  // paths: POSIX image paths practically never contain one.
  if (path.find('\\') != std::string_view::npos) return true;
  for (std::string_view ext : {".exe", ".com", ".bat", ".cmd"}) {
    if (iends_with(path, ext)) return true;
  }
  return false;
}

}  // namespace

// Which "" rule, and why. Two Microsoft parsers disagree on "" inside a quoted
// region:
// - the C runtime since msvcr90 (2008), including today's UCRT
//   (parse_cmdline in argv_parsing.cpp: `if (in_quotes && p[1] == '"') p++;`),
//   emits one literal " and stays in quoted mode; the "Parsing C command-line
//   arguments" page documents exactly this ("Within a quoted string, a pair of
//   double quote marks is interpreted as a single escaped double quote mark")
//   and its table gives a"b"" c d -> {ab" c d}; Microsoft re-checked that row
//   against the compiler's output in MicrosoftDocs/cpp-docs#4643 and kept it;
// - CommandLineToArgvW (shell32) keeps the pre-2008 rule: the pair emits one "
//   and closes the quoted region, so a"b"" c d -> {ab", c, d}
//   (MicrosoftDocs/cpp-docs#3291, dotnet/runtime#77644).
// We follow the C runtime: it is what main()'s argv holds in nearly every
// program built since 2008, and it is the documented rule. The program name
// follows the same C runtime code, which is the page's argv[0] rule (an
// unquoted program name also keeps its quotes in CommandLineToArgvW).
//
// Byte-wise parsing of UTF-8 equals the runtime's parsing of UTF-16: the bytes
// that matter (space, tab, ", \) never occur inside a multi-byte UTF-8
// sequence. A NUL ends the runtime's string; here it is an ordinary byte,
// because the stored command line may hold one and the view must keep it.
std::vector<std::string> split_windows(std::string_view command_line) {
  std::vector<std::string> args;
  if (command_line.empty()) return args;

  const std::string_view s = command_line;
  std::size_t pos = 0;
  args.push_back(windows_program_name(s, pos));

  for (;;) {
    while (pos < s.size() && is_windows_blank(s[pos])) ++pos;
    if (pos == s.size()) break;

    std::string arg;
    bool in_quotes = false;
    for (;;) {
      std::size_t backslashes = 0;
      while (pos < s.size() && s[pos] == '\\') {
        ++pos;
        ++backslashes;
      }
      bool copy = true;
      if (pos < s.size() && s[pos] == '"') {
        if (backslashes % 2 == 0) {
          if (in_quotes && pos + 1 < s.size() && s[pos + 1] == '"') {
            ++pos;  // "" inside quotes: copy the second " and stay quoted
          } else {
            copy = false;
            in_quotes = !in_quotes;
          }
        }
        backslashes /= 2;
      }
      arg.append(backslashes, '\\');
      if (pos == s.size() || (!in_quotes && is_windows_blank(s[pos]))) break;
      if (copy) arg += s[pos];
      ++pos;
    }
    args.push_back(std::move(arg));
  }
  return args;
}

// Token recognition and quoting of the Shell Command Language, XCU 2.2 and 2.3,
// with no expansion, operator or comment recognition.
Result<std::vector<std::string>> split_posix(std::string_view command_line) {
  std::vector<std::string> words;
  std::string word;
  // A word exists once any part of it was seen, even an empty quoted one:
  // '' and "" are words, a removed backslash-newline is not.
  bool in_word = false;
  const std::string_view s = command_line;
  std::size_t pos = 0;

  while (pos < s.size()) {
    const char c = s[pos];
    if (is_posix_blank(c)) {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
      ++pos;
    } else if (c == '\'') {
      const std::size_t close = s.find('\'', pos + 1);
      if (close == std::string_view::npos) return unexpected("unterminated single quote");
      word.append(s.substr(pos + 1, close - pos - 1));
      in_word = true;
      pos = close + 1;
    } else if (c == '"') {
      ++pos;
      in_word = true;
      for (;;) {
        if (pos == s.size()) return unexpected("unterminated double quote");
        const char d = s[pos];
        if (d == '"') {
          ++pos;
          break;
        }
        if (d == '\\' && pos + 1 < s.size()) {
          const char next = s[pos + 1];
          if (next == '\n') {
            pos += 2;  // line continuation, removed
            continue;
          }
          if (next == '$' || next == '`' || next == '"' || next == '\\') {
            word += next;
            pos += 2;
            continue;
          }
        }
        word += d;  // includes a backslash before any other byte
        ++pos;
      }
    } else if (c == '\\') {
      if (pos + 1 == s.size()) return unexpected("trailing backslash");
      const char next = s[pos + 1];
      if (next != '\n') {
        word += next;
        in_word = true;
      }
      pos += 2;
    } else {
      word += c;
      in_word = true;
      ++pos;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Platform guess_platform(std::string_view host_platform, std::string_view image,
                        std::string_view command_line) {
  if (!host_platform.empty() && !iequals(host_platform, "unknown")) {
    return iequals(host_platform, "windows") ? Platform::windows : Platform::posix;
  }
  if (looks_like_windows_path(image)) return Platform::windows;
  std::size_t pos = 0;
  if (looks_like_windows_path(windows_program_name(command_line, pos))) return Platform::windows;
  return Platform::posix;
}

std::optional<std::vector<std::string>> split(std::string_view command_line, Platform platform) {
  if (platform == Platform::windows) return split_windows(command_line);
  auto words = split_posix(command_line);
  if (!words) return std::nullopt;
  return std::move(words).value();
}

std::string image_name(std::string_view image) {
  std::string_view name = image;
  const std::size_t sep = name.find_last_of("\\/");
  if (sep != std::string_view::npos) {
    name.remove_prefix(sep + 1);
  } else if (name.size() >= 2 && is_ascii_letter(name[0]) && name[1] == ':') {
    name.remove_prefix(2);  // drive-relative "C:cmd.exe"
  }
  std::string out(name);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace casetrail::cmdline
