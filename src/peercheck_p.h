#pragma once

#include <QtCore/QList>
#include <QtCore/QString>

namespace PeerCheck {

// Empty if the process on the other end of the connected Unix socket `fd`
// runs as our own user, as root, or as one of `trustedUids`; otherwise why
// we refuse it. Linux reads SO_PEERCRED, macOS and the BSDs getpeereid().
// Always empty where the platform can't tell (Windows: see docs/socket-mode.md).
QString problemWithPeer(qintptr fd, const QString &where, const QList<uint> &trustedUids);

} // namespace PeerCheck
