// The backend must not outlive an application that is killed outright
// (SIGKILL: no destructor, no atexit). The application here is
// childdeath_parent; the test kills it and watches the backend through a
// pidfd, which becomes readable when that process ends (it is not our
// child, so waitpid() cannot see it).
//
// What each build promises (src/childlifetime_p.h, docs/platforms.md):
// - Linux: PR_SET_PDEATHSIG kills every backend, even one that ignores the
//   end of its stdin.
// - QRUSTBRIDGE_PORTABLE_FALLBACKS (the macOS/BSD way): nothing kills the
//   backend; it sees end of file on stdin and must exit by itself. One that
//   does not survives, and the test proves that gap is real.
#include "../../shared/testsupport.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>

#include <cerrno>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

class tst_ChildDeath : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void backendExitsWhenParentIsKilled();
    void backendIgnoringEndOfStdinAfterParentIsKilled();

private:
    // Starts childdeath_parent with the fake backend and `backendArgs`;
    // returns the backend's pid, or 0.
    qint64 startParent(QProcess &parent, const QStringList &backendArgs);
};

namespace {

// A descriptor that becomes readable when process `pid` ends.
class PidFd
{
public:
    explicit PidFd(qint64 pid) : m_fd(int(::syscall(SYS_pidfd_open, pid_t(pid), 0))) { }
    ~PidFd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool isValid() const { return m_fd >= 0; }
    // True once the process has ended; waits up to `ms` for that.
    bool waitForExit(int ms) const
    {
        pollfd watch{m_fd, POLLIN, 0};
        int ready;
        do {
            ready = ::poll(&watch, 1, ms);
        } while (ready < 0 && errno == EINTR);
        return ready == 1;
    }

private:
    int m_fd;
};

} // namespace

qint64 tst_ChildDeath::startParent(QProcess &parent, const QStringList &backendArgs)
{
    parent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    parent.start(QStringLiteral(CHILDDEATH_PARENT_PATH),
                 QStringList{QStringLiteral(FAKE_BACKEND_PATH)} + backendArgs);
    if (!parent.waitForStarted(10000))
        return 0;
    while (!parent.canReadLine()) {
        if (!parent.waitForReadyRead(15000))
            return 0;
    }
    return parent.readLine().trimmed().toLongLong();
}

void tst_ChildDeath::backendExitsWhenParentIsKilled()
{
    QProcess parent;
    const qint64 backendPid = startParent(parent, {});
    QVERIFY2(backendPid > 0, "childdeath_parent did not report its backend");
    const PidFd backend(backendPid);
    QVERIFY2(backend.isValid(), "pidfd_open failed (needs Linux 5.3)");
    QVERIFY(!backend.waitForExit(0));

    parent.kill();  // SIGKILL
    QVERIFY(parent.waitForFinished(10000));
    QCOMPARE(parent.exitStatus(), QProcess::CrashExit);

    // Linux: PDEATHSIG. Portable: the fake backend reads end of file and returns.
    QVERIFY2(backend.waitForExit(15000), "the backend outlived its killed parent");
}

void tst_ChildDeath::backendIgnoringEndOfStdinAfterParentIsKilled()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString sawEndOfStdin = dir.filePath(QStringLiteral("eof"));
    QProcess parent;
    const qint64 backendPid = startParent(parent, {QStringLiteral("--survive-stdin-eof"), sawEndOfStdin});
    QVERIFY2(backendPid > 0, "childdeath_parent did not report its backend");
    const PidFd backend(backendPid);
    QVERIFY2(backend.isValid(), "pidfd_open failed (needs Linux 5.3)");

    parent.kill();
    QVERIFY(parent.waitForFinished(10000));

#ifndef QRUSTBRIDGE_PORTABLE_FALLBACKS
    // The kernel kills it whatever it does with its stdin.
    QVERIFY2(backend.waitForExit(15000), "PR_SET_PDEATHSIG did not kill the backend");
#else
    // The fallback's known gap: once the backend has seen end of file and
    // chose to stay, nothing ends it.
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(sawEndOfStdin), 15000);
    QVERIFY2(!backend.waitForExit(0), "something killed the backend: the portable build has no such mechanism");
    QVERIFY(::kill(pid_t(backendPid), SIGKILL) == 0);  // clean up the orphan
    QVERIFY(backend.waitForExit(15000));
#endif
}

QTEST_GUILESS_MAIN(tst_ChildDeath)
#include "tst_childdeath.moc"
