#pragma once

// Concern: a pipe whose ends are not inherited by processes we start
// (QProcess forks from other threads too, any time).
//
// Linux: pipe2(O_CLOEXEC), atomic. macOS (no pipe2), the BSDs and Linux
// with QRUSTBRIDGE_PORTABLE_FALLBACKS: pipe() then fcntl(FD_CLOEXEC);
// a fork on another thread between the two can leak the ends into that
// child, which then holds the backend's stdout open after the backend exits
// (end of file comes late, the bridge still sees the exit through QProcess).
// Windows: not used (QProcess's own pipes).

#include <QtCore/QtGlobal>

#ifdef Q_OS_UNIX
namespace Pipes {

// fds[0] reads, fds[1] writes; false (and errno) if the system refused.
bool createCloseOnExec(int fds[2]);

} // namespace Pipes
#endif
