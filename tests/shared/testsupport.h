#pragma once

// Small helpers shared by the QRustBridge tests: options for the two
// backends, and reading the outcome of a finished future.
#include <QRustBridge/QRustBridge>

#include <QtCore/QFile>
#include <QtCore/QFutureWatcher>
#include <QtTest/QtTest>

#include <csignal>

namespace TestSupport {

inline QRustBridgeOptions demoOptions()
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    options.binaryPath = QStringLiteral(DEMO_BACKEND_PATH);
    options.searchSystemPath = false;
    return options;
}

inline QRustBridgeOptions fakeOptions(const QStringList &args = {})
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("fakebackend");
    options.binaryPath = QStringLiteral(FAKE_BACKEND_PATH);
    options.searchSystemPath = false;
    options.cliArgs = args;
    return options;
}

inline bool demoBackendExists()
{
    return QFile::exists(QStringLiteral(DEMO_BACKEND_PATH));
}

// Fails (never skips) a test when the backend is missing: skipping would
// make a suite that needs it pass without testing anything.
#define QRB_VERIFY_DEMO_BACKEND()                                                     \
    QVERIFY2(TestSupport::demoBackendExists(),                                        \
             "the Rust demo backend was not built (configure with QRUSTBRIDGE_BUILD_RUST=ON)")

// The error a failed future carries; NoError if it succeeded or was cancelled.
template <typename T>
QRustBridgeError errorOf(QFuture<T> future)
{
    try {
        future.waitForFinished();
    } catch (const QRustBridgeError &error) {
        return error;
    }
    return QRustBridgeError();
}

// Spins the event loop until `future` finishes or `ms` pass; returns at
// once when it finishes (QTRY_* would poll in 50 ms steps).
template <typename T>
bool waitForFinished(const QFuture<T> &future, int ms)
{
    if (future.isFinished())
        return true;
    QFutureWatcher<T> watcher;
    QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
    watcher.setFuture(future);
    return future.isFinished() || finished.wait(ms) || future.isFinished();
}

inline bool processExists(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

} // namespace TestSupport

// Waits (spinning the event loop) until `future` finishes.
// Skips a test that cannot run here; under CI (the CI variable, set by CI
// and by .ci/run) a skip is a failure, so a suite cannot pass in CI without
// testing anything.
#define QRB_SKIP_OUTSIDE_CI(reason)                                             \
    do {                                                                       \
        if (qEnvironmentVariableIsSet("CI"))                                   \
            QFAIL("would skip, which CI does not allow: " reason);             \
        QSKIP(reason);                                                         \
    } while (false)

#define QRB_WAIT(future, ms) QVERIFY2(TestSupport::waitForFinished((future), (ms)), "future did not finish in time")

// Spawns `bridge` and fails the test unless it became ready.
#define QRB_SPAWN(bridge)                                                        \
    do {                                                                         \
        QFuture<bool> spawned_ = (bridge).spawn();                               \
        QRB_WAIT(spawned_, 15000);                                               \
        QVERIFY2(spawned_.result(), qPrintable((bridge).lastError().message())); \
    } while (false)
