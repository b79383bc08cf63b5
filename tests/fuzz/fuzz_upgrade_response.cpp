// Fuzz target: the parser of the server's answer to our upgrade request, fed whole and in random splits.
// Input layout: byte 0 seeds the split points (its low bit also says whether subprotocols were offered),
// the rest is what the server sent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/upgrade_response.hpp"

namespace {

// The RFC 6455 §1.3 example key's accept value: the seeds use it, so the fuzzer starts from accepted responses.
constexpr const char* kExpectedAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

bool known_reason(std::string_view reason) {
  for (std::string_view r : {"handshake_status", "handshake_bad_accept", "handshake_missing_upgrade",
                             "handshake_bad_subprotocol", "handshake_bad_extension", "handshake_malformed",
                             "handshake_too_large"})
    if (reason == r) return true;
  return false;
}

struct Outcome {
  wsl::UpgradeState state = wsl::UpgradeState::incomplete;
  size_t consumed = 0;  // bytes of the stream that belong to the header block, once accepted (else 0)
  std::string reason;
  int status = 0;
  std::string subprotocol;
};

Outcome feed(std::string_view stream, const std::vector<std::string>& offered, uint8_t split_seed) {
  wsl::UpgradeResponseParser parser(kExpectedAccept, offered);
  uint32_t state = split_seed;
  size_t offset = 0, consumed = 0;
  wsl::UpgradeState decided = wsl::UpgradeState::incomplete;
  while (offset < stream.size()) {
    state = state * 1103515245u + 12345u;
    const size_t len = split_seed == 0 ? stream.size() : 1 + (state >> 16) % 41;
    const std::string_view chunk = stream.substr(offset, len);
    const std::vector<char> exact(chunk.begin(), chunk.end());  // exact size, so ASan sees overreads
    const wsl::UpgradeProgress progress = parser.feed(std::string_view(exact.data(), exact.size()));
    FUZZ_CHECK(progress.consumed <= chunk.size());
    FUZZ_CHECK(progress.state == parser.state());
    if (decided != wsl::UpgradeState::incomplete) {
      FUZZ_CHECK(progress.state == decided && progress.consumed == 0);  // a decision is final
    } else if (progress.state == wsl::UpgradeState::incomplete) {
      FUZZ_CHECK(progress.consumed == chunk.size());
    }
    consumed += progress.consumed;
    decided = progress.state;
    offset += chunk.size();
  }
  Outcome out;
  out.state = parser.state();
  out.status = parser.status_code();
  FUZZ_CHECK(out.status == 0 || (out.status >= 100 && out.status <= 999));
  if (out.state == wsl::UpgradeState::rejected) {
    FUZZ_CHECK(parser.error() != nullptr);
    FUZZ_CHECK(known_reason(parser.error()->reason));
    out.reason = std::string(parser.error()->reason);
  } else {
    FUZZ_CHECK(parser.error() == nullptr);
  }
  if (out.state == wsl::UpgradeState::accepted) {
    // The block it claimed is a whole 101 header block, ending at its blank line, within the size limit.
    FUZZ_CHECK(out.status == 101);
    FUZZ_CHECK(consumed >= 16 && consumed <= wsl::kMaxUpgradeResponseBytes);
    FUZZ_CHECK(stream.substr(0, 13) == "HTTP/1.1 101 " || stream.substr(0, 14) == "HTTP/1.1 101\r\n");
    FUZZ_CHECK(stream.substr(consumed - 4, 4) == "\r\n\r\n");
    FUZZ_CHECK(stream.substr(0, consumed - 2).find("\r\n\r\n") == std::string_view::npos);
    const std::string& chosen = parser.subprotocol();
    bool offered_it = chosen.empty();
    for (const auto& p : offered) offered_it = offered_it || p == chosen;
    FUZZ_CHECK(offered_it);
    out.subprotocol = chosen;
    out.consumed = consumed;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::vector<std::string> offered =
      (data[0] & 1) ? std::vector<std::string>{"chat", "superchat"} : std::vector<std::string>{};
  const uint8_t split_seed = data[0] | 1;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Outcome whole = feed(stream, offered, 0);
  const Outcome split = feed(stream, offered, split_seed);
  // How the response was cut into reads must not change the verdict.
  FUZZ_CHECK(whole.state == split.state);
  FUZZ_CHECK(whole.reason == split.reason);
  FUZZ_CHECK(whole.status == split.status);
  FUZZ_CHECK(whole.consumed == split.consumed);
  FUZZ_CHECK(whole.subprotocol == split.subprotocol);
  return 0;
}
