#pragma once

// Concern: statistics of the test process itself (open descriptors,
// threads), for the leak checks in the tests.
//
// | platform                         | descriptors            | threads            |
// |----------------------------------|------------------------|--------------------|
// | Linux                            | /proc/self/fd          | /proc/self/task    |
// | macOS, BSDs, Linux with          | fcntl(F_GETFD) probe   | unknown (-1)       |
// | QRUSTBRIDGE_PORTABLE_FALLBACKS   | of 0..min(OPEN_MAX,64k)|                    |
// | Windows                          | GetProcessHandleCount  | Toolhelp snapshot  |
//
// macOS could count threads with task_threads(); it is not written because
// nothing would compile it. Windows is not compiled in CI either.
#include <QtCore/QDir>
#include <QtCore/QtGlobal>

#if defined(Q_OS_WIN)
#include <qt_windows.h>
#include <tlhelp32.h>
#elif defined(Q_OS_UNIX)
#include <algorithm>
#include <fcntl.h>
#include <unistd.h>
#endif

#if defined(Q_OS_LINUX) && !defined(QRUSTBRIDGE_PORTABLE_FALLBACKS)
#define QRB_STATS_PROC 1
#endif

namespace ProcessStats {

// Open file descriptors (Windows: handles) of this process.
inline int openFileDescriptors()
{
#if defined(QRB_STATS_PROC)
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
#elif defined(Q_OS_UNIX)
    // Descriptors above the probed range are not seen; tests open few.
    const long limit = std::min(::sysconf(_SC_OPEN_MAX), 65536L);
    int open = 0;
    for (int fd = 0; fd < int(limit); ++fd)
        open += ::fcntl(fd, F_GETFD) != -1;
    return open;
#elif defined(Q_OS_WIN)
    DWORD handles = 0;
    return ::GetProcessHandleCount(::GetCurrentProcess(), &handles) ? int(handles) : -1;
#else
    return -1;
#endif
}

// Threads of this process; -1 where the build cannot tell.
inline int threadCount()
{
#if defined(QRB_STATS_PROC)
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
#elif defined(Q_OS_WIN)
    HANDLE snapshot = ::CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    if (snapshot == INVALID_HANDLE_VALUE)
        return -1;
    THREADENTRY32 entry = {};
    entry.dwSize = sizeof(entry);
    int threads = 0;
    for (BOOL more = ::Thread32First(snapshot, &entry); more; more = ::Thread32Next(snapshot, &entry))
        threads += entry.th32OwnerProcessID == ::GetCurrentProcessId();
    ::CloseHandle(snapshot);
    return threads;
#else
    return -1;
#endif
}

} // namespace ProcessStats
