// Which leak rule a monitored resource falls under, decided by its name, and how its amounts are written.
#pragma once

#include <string>
#include <string_view>

namespace wsl {

enum class ResourceKind {
  fd_count,      // counts a server must give back: "fds", "sockets", "sockets.established", "threads", and scraped
                 // gauges naming goroutines, threads, handles, timers, tasks, open_fds, sockets or connections: fd_delta_max
  close_wait,    // "sockets.close_wait": close_wait_max, always reported with its count
  memory_bytes,  // "rss", "*resident_memory*", other scraped *_bytes gauges (heaps): warm-up, rate per connection
  kernel_timed,  // other "sockets.<state>" (time_wait, fin_wait2, …): the kernel reaps them on its own timers
  counter,       // a scraped series named like a Prometheus counter (_total, _count, _sum, _bucket, _created)
  gauge,         // any other scraped gauge: no configured limit, judged on its trend only
};

ResourceKind classify_resource(std::string_view name);

enum class AmountUnit { count, bytes, plain };

// Bytes for memory kinds and for series named *_bytes; whole counts for fds and sockets; plain numbers otherwise.
AmountUnit unit_of(std::string_view name, ResourceKind kind);

// "412", "52.1MiB", "0.25" (a count with a half from a median of an even number of samples: "12.5").
std::string format_amount(AmountUnit unit, double value);

// The same with an explicit sign: "+400", "-1.50MiB", "+0".
std::string format_change(AmountUnit unit, double change);

}  // namespace wsl
