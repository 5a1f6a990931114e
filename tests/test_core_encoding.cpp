#include <catch2/catch.hpp>

#include "core/util/encoding.hpp"

using namespace casetrail::util;

TEST_CASE("UTF-8 validation rejects overlongs, surrogates and truncation", "[store]") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8(std::string("nul\0inside", 10)));
  CHECK(is_valid_utf8("\xe2\x82\xac"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST_CASE("Base64 and hex round-trip any bytes", "[store]") {
  const std::string bytes("\x00\xff\x10 a\"b", 7);
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_decode(base64_encode(bytes)) == bytes);
  CHECK(base64_decode("Zg=") == std::nullopt);
  CHECK(base64_decode("Z===") == std::nullopt);
  CHECK(hex_encode(std::string("dd\0if", 5)) == "646400" "6966");
  CHECK(hex_decode("64640069663D2F") == std::string("dd\0if=/", 7));
  CHECK(hex_decode("6") == std::nullopt);
  CHECK(hex_decode("zz") == std::nullopt);
}

TEST_CASE("zstd frames decompress to the exact bytes and corrupt frames are refused", "[store]") {
  const std::string bytes = std::string(10000, 'a') + std::string("\x00\x01", 2);
  const auto frame = zstd_compress(bytes);
  CHECK(frame.size() < bytes.size());
  CHECK(zstd_decompress(frame) == bytes);
  CHECK(zstd_decompress("not a frame") == std::nullopt);
}

TEST_CASE("SHA-256 matches the FIPS 180-2 test vector", "[store]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
