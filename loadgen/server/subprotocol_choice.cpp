// Tokenises the client's subprotocol offer the same way libwebsockets does, so our choice matches.
#include "server/subprotocol_choice.hpp"

#include <libwebsockets.h>

#include <vector>

namespace wsl {

std::string first_offered_subprotocol(const std::string& header_value) {
  // These are the flags lws 4.1 uses in lws_process_ws_upgrade(); using others could pick a name
  // lws then fails to find in our protocol list, rejecting the upgrade.
  struct lws_tokenize ts;
  std::vector<char> buffer(header_value.begin(), header_value.end());
  buffer.push_back('\0');
  lws_tokenize_init(&ts, buffer.data(),
                    LWS_TOKENIZE_F_COMMA_SEP_LIST | LWS_TOKENIZE_F_MINUS_NONTERM |
                        LWS_TOKENIZE_F_DOT_NONTERM | LWS_TOKENIZE_F_RFC7230_DELIMS);
  ts.len = header_value.size();
  for (;;) {
    lws_tokenize_elem element = lws_tokenize(&ts);
    if (element == LWS_TOKZE_TOKEN) {
      char name[64];
      if (lws_tokenize_cstr(&ts, name, sizeof(name))) return {};
      return name;
    }
    if (element != LWS_TOKZE_DELIMITER) return {};
  }
}

}  // namespace wsl
