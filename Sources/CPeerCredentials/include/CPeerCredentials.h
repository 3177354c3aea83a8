#ifndef CPEERCREDENTIALS_H
#define CPEERCREDENTIALS_H
#include <sys/types.h>

/// The credentials of the process at the other end of a Unix socket (SO_PEERCRED).
typedef struct {
    pid_t pid;
    uid_t uid;
    gid_t gid;
} jwtaudit_peer_credentials;

/// Reads SO_PEERCRED for a connected Unix socket. Returns 0 on success, -1 with errno set.
int jwtaudit_read_peer_credentials(int fd, jwtaudit_peer_credentials *out);

#endif
