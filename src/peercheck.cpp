#include "peercheck_p.h"

#include "tr_p.h"

#if defined(Q_OS_LINUX)
#include <sys/socket.h>
#include <unistd.h>
#elif defined(Q_OS_UNIX)
#include <sys/types.h>
#include <unistd.h>
#endif

namespace {

#if defined(Q_OS_UNIX)
// The uid of the process that serves the connected socket `fd`.
bool serverUid(int fd, uid_t *uid)
{
#if defined(Q_OS_LINUX)
    struct ucred credentials {};
    socklen_t length = sizeof(credentials);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return false;
    *uid = credentials.uid;
    return true;
#else
    gid_t gid = 0;
    return ::getpeereid(fd, uid, &gid) == 0;
#endif
}
#endif

} // namespace

QString PeerCheck::problemWithPeer(qintptr fd, const QString &where, const QList<uint> &trustedUids)
{
#if defined(Q_OS_UNIX)
    uid_t uid = 0;
    if (!serverUid(int(fd), &uid))
        return QRustBridgeTr::tr("cannot tell which user runs the server on %1; refusing it").arg(where);
    const uid_t own = ::getuid();
    if (uid == own || uid == 0 || trustedUids.contains(uint(uid)))
        return QString();
    return QRustBridgeTr::tr("the server on %1 runs as uid %2, which is neither this process's user (uid %3) "
                           "nor root; add it to QRustSocketOptions::trustedServerUids to trust it")
        .arg(where).arg(uid).arg(own);
#else
    Q_UNUSED(fd)
    Q_UNUSED(where)
    Q_UNUSED(trustedUids)
    return QString();
#endif
}
