// Reads the `target` section: where to connect, with which headers (${VAR} expanded) and TLS settings.
#include "profile/env_expansion.hpp"
#include "profile/profile_keys.hpp"
#include "profile/section_readers.hpp"
#include "profile/value_readers.hpp"
#include "profile/value_rules.hpp"

namespace wsl {
namespace {

constexpr const auto& kTargetKeys = profile_keys::kTarget;
constexpr const auto& kTlsKeys = profile_keys::kTls;

// A string value with ${VAR} expanded; `secret` is set when the environment contributed to it.
std::optional<std::string> read_expanded(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                         bool& secret) {
  auto raw = read_string(ctx, node, path);
  if (!raw) return std::nullopt;
  Expansion expanded = expand_environment(*raw, ctx.env());
  for (const std::string& problem : expanded.errors) ctx.error(node, path, problem);
  if (!expanded.errors.empty()) return std::nullopt;
  secret = expanded.used_environment;
  return expanded.value;
}

void read_tls(ReadContext& ctx, const YAML::Node& node, const std::string& path, TlsOptions& tls) {
  for_each_entry(ctx, node, path, kTlsKeys, [&](const std::string& key, const YAML::Node& value, const std::string& p) {
    if (key == "insecure_skip_verify") {
      if (auto v = read_bool(ctx, value, p)) tls.insecure_skip_verify = *v;
      return;
    }
    auto text = read_string(ctx, value, p);
    if (!text) return;
    if (key == "ca_file") tls.ca_file = *text;
    if (key == "cert_file") tls.cert_file = *text;
    if (key == "key_file") tls.key_file = *text;
    if (key == "server_name") tls.server_name = *text;
  });
}

void read_headers(ReadContext& ctx, const YAML::Node& node, const std::string& path, std::vector<Header>& headers) {
  for_each_named_entry(ctx, node, path, [&](const std::string& name, const YAML::Node& value, const std::string& p) {
    if (auto problem = header_name_problem(name)) return ctx.error(value, p, *problem);
    bool secret = false;
    if (auto text = read_expanded(ctx, value, p, secret)) headers.push_back({name, *text, secret});
  });
}

}  // namespace

void read_target(ReadContext& ctx, const YAML::Node& node, const std::string& path, TargetSpec& target) {
  for_each_entry(ctx, node, path, kTargetKeys, [&](const std::string& key, const YAML::Node& value,
                                                   const std::string& p) {
    if (key == "url") {
      auto url = read_expanded(ctx, value, p, target.url_secret);
      if (!url) return;
      if (auto problem = url->empty() ? std::nullopt : websocket_url_problem(*url)) return ctx.error(value, p, *problem);
      target.url = *url;
    } else if (key == "headers") {
      read_headers(ctx, value, p, target.headers);
    } else if (key == "subprotocols") {
      if (auto list = read_string_list(ctx, value, p)) target.subprotocols = *list;
    } else if (key == "origin") {
      if (auto origin = read_expanded(ctx, value, p, target.origin_secret)) target.origin = *origin;
    } else if (key == "connect_timeout") {
      if (auto d = read_duration(ctx, value, p, false)) target.connect_timeout = *d;
    } else if (key == "handshake_timeout") {
      if (auto d = read_duration(ctx, value, p, false)) target.handshake_timeout = *d;
    } else if (key == "source_addresses") {
      auto list = read_string_list(ctx, value, p);
      if (!list) return;
      for (size_t i = 0; i < list->size(); ++i)
        if (auto problem = ip_address_problem((*list)[i])) ctx.error(value[i], item_path(p, i), *problem);
      target.source_addresses = *list;
    } else if (key == "tls") {
      read_tls(ctx, value, p, target.tls);
    }
  });
}

}  // namespace wsl
