#pragma once

// Concern: which user serves the local socket we connected to.
//
// | platform                   | how the server's user is found              |
// |----------------------------|---------------------------------------------|
// | Linux                      | getsockopt(SO_PEERCRED)                     |
// | macOS, BSDs, and Linux with| getpeereid() (on Linux a stand-in over      |
// | the portable fallbacks     | SO_PEERCRED, so the branch compiles there)  |
// | Windows (named pipes)      | GetNamedPipeServerProcessId(), then that    |
// |                            | process's token user (not compiled in CI)   |
//
// docs/platforms.md has the table of what is tested where.

#include <QtCore/QList>
#include <QtCore/QString>

namespace PeerCheck {

// Empty if the process on the other end of the connected local socket `fd`
// runs as our own user, as root (Windows: LocalSystem), or (Unix only) as
// one of `trustedUids`; otherwise why we refuse it. A server whose user
// cannot be found is refused.
QString problemWithPeer(qintptr fd, const QString &where, const QList<uint> &trustedUids);

} // namespace PeerCheck
