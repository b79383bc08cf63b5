// Rules for single profile values (URLs, close codes, names): each returns what is wrong, or nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wsl {

using Problem = std::optional<std::string>;

Problem websocket_url_problem(std::string_view url);    // ws:// or wss:// with a host
Problem http_url_problem(std::string_view url);         // http:// or https:// with a host
Problem clean_close_code_problem(int code, std::string_view pattern = "clean");  // codes a well-behaved client may send
Problem close_reason_problem(std::string_view reason);  // at most 123 bytes of UTF-8
Problem listen_address_problem(std::string_view listen);  // HOST:PORT or "off"
Problem label_name_problem(std::string_view name);      // a Prometheus label the tool does not use itself
Problem run_id_problem(std::string_view id);            // a label value that is also safe in a Pushgateway URL
Problem metric_name_problem(std::string_view name);     // a Prometheus series name
Problem header_name_problem(std::string_view name);     // an HTTP header field name
Problem ip_address_problem(std::string_view address);   // a literal IPv4 or IPv6 address

}  // namespace wsl
