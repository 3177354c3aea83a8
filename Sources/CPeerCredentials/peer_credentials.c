#define _GNU_SOURCE
#include <sys/socket.h>
#include "CPeerCredentials.h"

int jwtaudit_read_peer_credentials(int fd, jwtaudit_peer_credentials *out) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        return -1;
    }
    out->pid = cred.pid;
    out->uid = cred.uid;
    out->gid = cred.gid;
    return 0;
}
