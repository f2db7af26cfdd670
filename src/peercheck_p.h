#pragma once

#include <QtCore/QString>

namespace PeerCheck {

// Empty if the process on the other end of the connected Unix socket `fd`
// runs as our own user (SO_PEERCRED); otherwise why we refuse it. Always
// empty where the platform can't tell.
QString problemWithPeer(qintptr fd, const QString &where);

} // namespace PeerCheck
