// Counts this process's open file descriptors, so a run can prove it gave back every socket it took.
#include "engine/open_fd_count.hpp"

#include <dirent.h>

namespace wsl {

int count_open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return -1;
  int count = 0;
  while (const dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') ++count;
  ::closedir(dir);
  return count - 1;  // the listing's own descriptor
}

}  // namespace wsl
