#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

#include "CDirectoryListing.h"

long CDirectoryListing_read(int fd, void *buffer, unsigned long size) {
    return syscall(SYS_getdents64, fd, buffer, size);
}
