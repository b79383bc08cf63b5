// A small streaming JSON writer: objects, arrays, escaped strings, finite numbers (NaN/inf become null).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsl {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);  // inside an object, before each value
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(int number) { return value(int64_t(number)); }
  JsonWriter& value(unsigned number) { return value(uint64_t(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();

  const std::string& text() const { return out_; }

 private:
  void before_value();
  std::string out_;
  std::vector<bool> first_in_scope_;  // per open object/array: no comma before its first element
  bool after_key_ = false;
};

}  // namespace wsl
