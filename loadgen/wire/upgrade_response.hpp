// Incremental parser and validator of the server's answer to the upgrade request (RFC 6455 §4.1, client side).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsl {

enum class UpgradeState : uint8_t { incomplete, accepted, rejected };

// Stable reason labels (Prometheus label values):
//   handshake_status          status is not 101 (status_code holds it, detail has the status line)
//   handshake_bad_accept      Sec-WebSocket-Accept missing or not the expected value
//   handshake_missing_upgrade "Upgrade: websocket" or the "upgrade" token in Connection missing
//   handshake_bad_subprotocol server selected a subprotocol we did not offer (or several)
//   handshake_bad_extension   server selected an extension (we never offer any)
//   handshake_malformed       not parseable as an HTTP/1.1 response header block
//   handshake_too_large       header block larger than kMaxUpgradeResponseBytes
struct UpgradeError {
  std::string_view reason;
  std::string detail;
  int status_code = 0;  // the HTTP status when the status line was parsed, else 0
};

inline constexpr size_t kMaxUpgradeResponseBytes = 16 * 1024;

struct UpgradeProgress {
  UpgradeState state = UpgradeState::incomplete;
  // Bytes of the chunk passed to this feed() that belong to the response header block. When accepted,
  // chunk.substr(consumed) are early WebSocket frames to hand to the FrameReader. When incomplete, the
  // whole chunk was consumed.
  size_t consumed = 0;
};

class UpgradeResponseParser {
 public:
  // expected_accept = websocket_accept_for(key); offered = the subprotocols we sent (may be empty).
  UpgradeResponseParser(std::string expected_accept, std::vector<std::string> offered);

  // Feed the bytes read so far, in order. Once accepted or rejected, further calls return the same
  // state with consumed = 0.
  UpgradeProgress feed(std::string_view chunk);

  UpgradeState state() const { return state_; }
  const UpgradeError* error() const { return error_ ? &*error_ : nullptr; }
  // The server's selected subprotocol (empty if none); valid once accepted.
  const std::string& subprotocol() const { return subprotocol_; }
  // The HTTP status code once the status line was parsed, else 0.
  int status_code() const { return status_code_; }

 private:
  UpgradeProgress reject(std::string_view reason, std::string detail);
  bool accept_status_line(std::string_view line);
  bool accept_headers(std::string_view lines);

  std::string expected_accept_;
  std::vector<std::string> offered_;
  std::string buffer_;  // the header block so far; released once the response is decided
  std::string subprotocol_;
  std::optional<UpgradeError> error_;
  int status_code_ = 0;
  UpgradeState state_ = UpgradeState::incomplete;
};

}  // namespace wsl
