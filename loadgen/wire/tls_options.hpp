// What a TLS client is configured with (a profile's target.tls): trust, its own certificate, the name to verify.
#pragma once

#include <string>

namespace wsl {

struct TlsOptions {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;

  bool operator==(const TlsOptions&) const = default;
};

}  // namespace wsl
