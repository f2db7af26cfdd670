#include "peercheck_p.h"

#include <QRustBridge/qrustbridge.h>

#ifdef Q_OS_LINUX
#include <sys/socket.h>
#include <unistd.h>
#endif

QString PeerCheck::problemWithPeer(qintptr fd, const QString &where)
{
#ifdef Q_OS_LINUX
    struct ucred credentials {};
    socklen_t length = sizeof(credentials);
    if (::getsockopt(int(fd), SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return QRustBridge::tr("cannot tell which user runs the server on %1; refusing it").arg(where);
    if (credentials.uid != ::getuid())
        return QRustBridge::tr("the server on %1 runs as another user (uid %2); refusing it")
            .arg(where).arg(credentials.uid);
#else
    Q_UNUSED(fd)
    Q_UNUSED(where)
#endif
    return QString();
}
