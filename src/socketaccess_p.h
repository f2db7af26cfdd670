#pragma once

#include <QtCore/QString>

namespace SocketAccess {

// Why connecting to the Unix socket `path` was refused with EACCES, in
// terms a user can act on: the socket's owner, group and mode, and this
// process's uid and groups ("... owned by root (uid 0), group qrbtest-group
// (gid 998), mode 0660; this process runs as uid 1001, gid 1001, and is not
// in group qrbtest-group"). If the socket cannot even be looked at, names
// the directory that hides it. Empty where the platform can't tell.
QString describeDenied(const QString &path);

} // namespace SocketAccess
