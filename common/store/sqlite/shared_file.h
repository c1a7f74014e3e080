// MapSharedFile: a region of a small file beside the database, mapped shared
// by every process that writes it (the writers' lock, the shared commit queue).
//
// The file is created when missing with the permissions of the database (or
// 0600 when it does not exist yet; run as root, also with its owner and
// group, as SQLite does for -wal and -shm), grown to hold the region, its
// blocks allocated (so that a full disk is an error here, never a SIGBUS
// when a page is first written), and
// initialised by exactly one process: `init` runs under an exclusive flock
// on the file, with `fresh` true when `*magic` (the region's first 8 bytes)
// is not `want`, and the magic is stored only after it succeeds, so the others
// never see a half-initialised region. With `fresh` false (the region was set
// up before) `init` may set up what a later version added to it, in the
// bytes an older one left zero.
#ifndef DLR_COMMON_STORE_SQLITE_SHARED_FILE_H_
#define DLR_COMMON_STORE_SQLITE_SHARED_FILE_H_

#include <pthread.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "common/base/status.h"

namespace dlr {

// Maps `size` bytes at `offset` (a multiple of the page size) of the file
// `path`, whose permissions follow `like` (the database file). On success
// the caller owns the mapping (munmap(map, size)); Unavailable, with the
// reason, when the file cannot be opened, grown, allocated or mapped, or
// `init` fails.
StatusOr<void*> MapSharedFile(const std::string& path, const std::string& like, off_t offset,
                              size_t size, uint64_t want,
                              const std::function<Status(void* region, bool fresh)>& init);

// For `init`: sets up `*mutex` in the region as a robust, process-shared
// mutex (a holder that dies does not leave it locked). With `in_turn`, also
// priority-inheriting: the kernel then hands it to the waiter that has waited
// longest as it is let go, and a process that comes later cannot take it
// first (a plain mutex lets any running process take it before the waiter it
// woke has run, which on a busy machine can pass one waiter over again and
// again). Unavailable, naming `what`, when pthread refuses.
Status InitSharedRobustMutex(pthread_mutex_t* mutex, const std::string& what, bool in_turn = false);

}  // namespace dlr

#endif  // DLR_COMMON_STORE_SQLITE_SHARED_FILE_H_
