// Proves QRustBridgeOptions::logger: what a bridge says about itself (start,
// ready, exit, a crash, a failed start, lines skipped on the I/O thread)
// reaches the callback, with structured data, on the bridge's thread; without a logger it goes to the `qrustbridge`
// logging category as before.
#include "../../shared/testsupport.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QThread>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

namespace {

struct LogEntry
{
    QtMsgType level;
    QString message;
    QJsonObject data;
    QThread *thread;
};

// A logger that records every entry, and where it ran.
struct Recorder
{
    QList<LogEntry> entries;
    QRustBridgeOptions install(QRustBridgeOptions options)
    {
        options.logger = [this](QtMsgType level, const QString &message, const QJsonObject &data) {
            entries.append({level, message, data, QThread::currentThread()});
        };
        return options;
    }
    int indexOf(const QString &prefix) const
    {
        for (int i = 0; i < entries.size(); ++i) {
            if (entries.at(i).message.startsWith(prefix))
                return i;
        }
        return -1;
    }
};

QStringList capturedMessages;
void captureMessage(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (qstrcmp(context.category, "qrustbridge") == 0)
        capturedMessages << message;
}

} // namespace

class tst_BridgeLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loggerHearsStartReadyAndExitInOrder();
    void loggerHearsACrashAsInfo();
    void loggerHearsAFailedStart();
    void loggerHearsSkippedLinesFromTheIoThread();
    void withoutLoggerTheCategoryHearsIt();
};

void tst_BridgeLog::loggerHearsStartReadyAndExitInOrder()
{
    QRB_VERIFY_DEMO_BACKEND();
    Recorder recorder;
    QRustBridge bridge(recorder.install(demoOptions()));
    QRB_SPAWN(bridge);
    QSignalSpy exited(&bridge, &QRustBridge::exited);
    bridge.kill();
    QVERIFY(exited.wait(10000));

    const int starting = recorder.indexOf(QStringLiteral("starting "));
    const int open = recorder.indexOf(QStringLiteral("transport open"));
    const int ready = recorder.indexOf(QStringLiteral("backend ready"));
    const int exit = recorder.indexOf(QStringLiteral("backend exited"));
    QVERIFY(starting >= 0);
    QVERIFY(starting < open && open < ready && ready < exit);
    const LogEntry &start = recorder.entries.at(starting);
    QCOMPARE(start.level, QtDebugMsg);
    QCOMPARE(start.data.value(QStringLiteral("program")).toString(),
             QFileInfo(QStringLiteral(DEMO_BACKEND_PATH)).absoluteFilePath());
    QCOMPARE(start.data.value(QStringLiteral("arguments")).toArray(),
             QJsonArray::fromStringList(bridge.options().cliArgs));
    QVERIFY(recorder.entries.at(open).data.value(QStringLiteral("pid")).toInteger() > 0);
    for (const LogEntry &entry : recorder.entries)
        QCOMPARE(entry.thread, bridge.thread());
}

void tst_BridgeLog::loggerHearsACrashAsInfo()
{
    QRB_VERIFY_DEMO_BACKEND();
    Recorder recorder;
    QRustBridge bridge(recorder.install(demoOptions()));
    QRB_SPAWN(bridge);
    QSignalSpy exited(&bridge, &QRustBridge::exited);
    QVERIFY(::kill(pid_t(bridge.processId()), SIGKILL) == 0);
    QVERIFY(exited.wait(10000));
    const int crash = recorder.indexOf(QStringLiteral("backend crashed"));
    QVERIFY(crash >= 0);
    QCOMPARE(recorder.entries.at(crash).level, QtInfoMsg);
    QCOMPARE(recorder.entries.at(crash).data.value(QStringLiteral("crashed")).toBool(), true);
    // The lost connection is an error of the bridge, logged with its code.
    bool errorLogged = false;
    for (const LogEntry &entry : recorder.entries)
        errorLogged |= entry.data.value(QStringLiteral("code")).toString() == QStringLiteral("ProcessExited");
    QVERIFY(errorLogged);
}

void tst_BridgeLog::loggerHearsAFailedStart()
{
    Recorder recorder;
    QRustBridge bridge(recorder.install(fakeOptions({QStringLiteral("--exit-at-start"), QStringLiteral("3")})));
    QFuture<bool> spawned = bridge.spawn();
    QRB_WAIT(spawned, 10000);
    QVERIFY(!spawned.result());
    const int exit = recorder.indexOf(QStringLiteral("backend exited with code 3"));
    QVERIFY(exit >= 0);
    QCOMPARE(recorder.entries.at(exit).data.value(QStringLiteral("exitCode")).toInt(), 3);
    QVERIFY(recorder.indexOf(QStringLiteral("bridge error: ")) > exit);
}

void tst_BridgeLog::loggerHearsSkippedLinesFromTheIoThread()
{
    // The garbage is found on the I/O thread; the logger still runs on the
    // bridge's thread, once per line, with what was wrong.
    Recorder recorder;
    QRustBridge bridge(recorder.install(fakeOptions({QStringLiteral("--preamble-garbage")})));
    QRB_SPAWN(bridge);
    QTRY_VERIFY_WITH_TIMEOUT(recorder.indexOf(QStringLiteral("response for unknown request id")) >= 0, 5000);
    int skipped = 0;
    for (const LogEntry &entry : recorder.entries) {
        QCOMPARE(entry.thread, bridge.thread());
        if (!entry.message.startsWith(QStringLiteral("skipping a line from the backend")))
            continue;
        ++skipped;
        QCOMPARE(entry.level, QtWarningMsg);
        QVERIFY(!entry.data.value(QStringLiteral("problem")).toString().isEmpty());
        QVERIFY(entry.data.value(QStringLiteral("bytes")).toInt() > 0);
    }
    // not json, broken object, invalid UTF-8, three non-objects, a nameless event
    QCOMPARE(skipped, 7);
}

void tst_BridgeLog::withoutLoggerTheCategoryHearsIt()
{
    QRB_VERIFY_DEMO_BACKEND();
    QLoggingCategory::setFilterRules(QStringLiteral("qrustbridge.debug=true"));
    capturedMessages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    {
        QRustBridge bridge(demoOptions());
        QFuture<bool> spawned = bridge.spawn();
        const bool finished = waitForFinished(spawned, 10000);
        qInstallMessageHandler(previous);
        QVERIFY(finished && spawned.result());
    }
    QLoggingCategory::setFilterRules(QString());
    bool sawStart = false;
    for (const QString &message : capturedMessages)
        sawStart |= message.startsWith(QStringLiteral("starting ")) && message.contains(QStringLiteral("\"program\""));
    QVERIFY2(sawStart, qPrintable(capturedMessages.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(tst_BridgeLog)
#include "tst_bridgelog.moc"
