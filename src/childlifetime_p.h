#pragma once

// Concern: the backend process must not outlive the application, even when
// the application is killed (SIGKILL, a crash) and no destructor runs.
//
// | platform                  | mechanism                                   |
// |---------------------------|---------------------------------------------|
// | Linux                     | PR_SET_PDEATHSIG(SIGKILL), set in the child |
// | Windows                   | job object with KILL_ON_JOB_CLOSE           |
// | macOS, BSDs, and Linux    | none in the library: the backend sees end  |
// | with the portable fallbacks| of file on stdin and must exit (the Rust   |
// |                           | crate does); one that ignores it survives   |
//
// QRUSTBRIDGE_PORTABLE_FALLBACKS (CMake option) picks the last row on Linux
// so that it is compiled and tested there. docs/platforms.md has the table.

#include <QtCore/QtGlobal>

#ifdef Q_OS_UNIX
#include <sys/types.h>
#endif

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace ChildLifetime {

enum class Mechanism {
    ParentDeathSignal,  // the kernel kills the child when the parent dies
    JobObject,          // Windows: the job dies with its last handle, our process
    StdinEndOfFile,     // nothing but the backend's own reaction to stdin closing
};

// What this build does.
Mechanism mechanism();

#ifdef Q_OS_UNIX
// Runs in the forked child before exec (QProcess's child process modifier):
// async-signal-safe calls only. `parentPid` is getpid() taken before the fork.
void tieChildToParent(pid_t parentPid);
#endif

// Runs in the parent once `process` has started (Windows: puts it in the
// job object; elsewhere nothing).
void adoptStartedChild(QProcess *process);

} // namespace ChildLifetime
