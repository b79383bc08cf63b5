// Counts this process's open file descriptors, so a run can prove it gave back every socket it took.
#pragma once

namespace wsl {

// Entries of /proc/self/fd, not counting the directory handle used to list them; -1 if unreadable.
int count_open_fds();

}  // namespace wsl
