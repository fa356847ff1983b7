#ifndef CDIRECTORYLISTING_H
#define CDIRECTORYLISTING_H

/* The one system call the walk needs that Swift cannot make: getdents64(2), which glibc
   declares only under _GNU_SOURCE and which Swift cannot reach through the variadic
   syscall(2). Used by PolicyRewriteCLI's FileSystem+Listing.swift only. */

/* Reads directory records (struct linux_dirent64: d_ino at 0, d_off at 8, d_reclen at 16,
   d_type at 18, the NUL-terminated d_name from 19) from the open directory `fd` into
   `buffer`. Returns the bytes read, 0 at the end of the directory, or -1 with errno set. */
long CDirectoryListing_read(int fd, void *buffer, unsigned long size);

#endif
