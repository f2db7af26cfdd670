#include "peercheck_p.h"

#include "tr_p.h"

#if defined(Q_OS_UNIX)
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <QtCore/QByteArray>

#include <qt_windows.h>
#endif

#if defined(Q_OS_LINUX) && !defined(QRUSTBRIDGE_PORTABLE_FALLBACKS)
#define QRB_PEER_SO_PEERCRED 1
#elif defined(Q_OS_UNIX)
#define QRB_PEER_GETPEEREID 1
#endif

namespace {

#if defined(QRB_PEER_SO_PEERCRED)
// Linux: the credentials the server had when it called connect()/listen().
bool serverUid(int fd, uid_t *uid)
{
    struct ucred credentials {};
    socklen_t length = sizeof(credentials);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return false;
    *uid = credentials.uid;
    return true;
}
#elif defined(QRB_PEER_GETPEEREID)
#if defined(Q_OS_LINUX)
// The portable-fallbacks build on Linux: glibc has no getpeereid(); this
// stand-in gives the BSD call's contract (effective uid and gid of the peer,
// -1 and errno on failure) so that the code below is the one macOS runs.
int getpeereid(int fd, uid_t *uid, gid_t *gid)
{
    struct ucred credentials {};
    socklen_t length = sizeof(credentials);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return -1;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
}
#else
using ::getpeereid;
#endif

// macOS and the BSDs.
bool serverUid(int fd, uid_t *uid)
{
    gid_t gid = 0;
    return getpeereid(fd, uid, &gid) == 0;
}
#endif

#if defined(Q_OS_WIN)
// The user SID in `process`'s token, in `buffer`; nullptr if unreadable.
PSID tokenUser(HANDLE process, QByteArray &buffer)
{
    HANDLE token = nullptr;
    if (!::OpenProcessToken(process, TOKEN_QUERY, &token))
        return nullptr;
    DWORD needed = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &needed);
    buffer.resize(qsizetype(needed));
    const bool read = needed > 0
        && ::GetTokenInformation(token, TokenUser, buffer.data(), needed, &needed);
    ::CloseHandle(token);
    return read ? reinterpret_cast<TOKEN_USER *>(buffer.data())->User.Sid : nullptr;
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
#elif defined(Q_OS_WIN)
    // Not compiled in CI. Windows has SIDs, not uids: trustedUids does not apply.
    Q_UNUSED(trustedUids)
    ULONG serverPid = 0;
    HANDLE server = nullptr;
    if (::GetNamedPipeServerProcessId(reinterpret_cast<HANDLE>(fd), &serverPid))
        server = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, serverPid);
    QByteArray serverBuffer;
    QByteArray ownBuffer;
    const PSID serverSid = server ? tokenUser(server, serverBuffer) : nullptr;
    const PSID ownSid = tokenUser(::GetCurrentProcess(), ownBuffer);
    if (server)
        ::CloseHandle(server);
    if (!serverSid || !ownSid)
        return QRustBridgeTr::tr("cannot tell which user runs the server on %1; refusing it").arg(where);
    if (::EqualSid(serverSid, ownSid) || ::IsWellKnownSid(serverSid, WinLocalSystemSid))
        return QString();
    return QRustBridgeTr::tr("the server on %1 runs as another user, neither this process's user "
                           "nor LocalSystem").arg(where);
#else
    Q_UNUSED(fd)
    Q_UNUSED(where)
    Q_UNUSED(trustedUids)
    return QString();
#endif
}
