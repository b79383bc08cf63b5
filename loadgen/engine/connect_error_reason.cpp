// The reason label of a failed connect, from the text lws reports it with.
#include "engine/connect_error_reason.hpp"

#include <cctype>

namespace wsl {

std::string connect_error_reason(std::string_view lws_text) {
  std::string text(lws_text);
  for (auto& ch : text) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  auto has = [&](std::string_view word) { return text.find(word) != std::string::npos; };
  if (has("refused")) return "connection_refused";
  if (has("timed out") || has("timeout")) return "connect_timeout";
  if (has("ssl") || has("tls") || has("cert")) return "tls_error";
  if (has("unreachable")) return "unreachable";
  return "connect_failed";
}

}  // namespace wsl
