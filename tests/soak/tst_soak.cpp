// Soak test: several bridges (stdio and socket) send random requests,
// streams and cancellations while a chaos timer crashes and restarts
// backends and kills the socket daemon. At the end every future and stream
// finished exactly once, no child process is left, and fds are back.
#include "../shared/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QJsonObject>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTemporaryDir>

using namespace TestSupport;

namespace {

int openFileDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

// Child processes of this process that are still alive (zombies count too).
QStringList childProcesses()
{
    QStringList children;
    const QString self = QString::number(QCoreApplication::applicationPid());
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile status(QStringLiteral("/proc/%1/status").arg(pid));
        if (!status.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(status.readAll());
        if (text.contains(QStringLiteral("\nPPid:\t") + self + QLatin1Char('\n')))
            children << pid;
    }
    return children;
}

struct Tally
{
    qint64 issued = 0;
    qint64 completed = 0;
    qint64 completedTwice = 0;
    qint64 results = 0;
    qint64 errors = 0;
    qint64 cancels = 0;
};

} // namespace

class tst_Soak : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void randomTrafficUnderChaos();

private:
    void issueRandomWork(QRustBridge &bridge, Tally &tally, QList<QFuture<QJsonValue>> &live);
};

void tst_Soak::issueRandomWork(QRustBridge &bridge, Tally &tally, QList<QFuture<QJsonValue>> &live)
{
    auto *random = QRandomGenerator::global();
    const int choice = random->bounded(10);
    auto done = std::make_shared<int>(0);
    auto count = [&tally, done] {
        if (++*done == 1)
            ++tally.completed;
        else
            ++tally.completedTwice;
    };
    ++tally.issued;
    if (choice < 2) {
        QRustStream *stream = bridge.sendCommandStreaming(
            QStringLiteral("count"),
            QJsonObject{{QStringLiteral("n"), random->bounded(50)}, {QStringLiteral("delayMs"), random->bounded(3)}});
        connect(stream, &QRustStream::finished, this, [count, &tally, stream] {
            count();
            ++tally.results;
            stream->deleteLater();
        });
        connect(stream, &QRustStream::failed, this, [count, &tally, stream] {
            count();
            ++tally.errors;
            stream->deleteLater();
        });
        if (random->bounded(4) == 0)
            QTimer::singleShot(random->bounded(20), stream, &QRustStream::cancel);
        return;
    }
    const QString method = choice < 5 ? QStringLiteral("echo") : choice < 8 ? QStringLiteral("sleep") : QStringLiteral("fail");
    const QJsonValue params = method == QLatin1String("sleep") ? QJsonValue(QJsonObject{{QStringLiteral("ms"), random->bounded(30)}})
                                                               : QJsonValue(QJsonObject{{QStringLiteral("n"), int(tally.issued)}});
    QFuture<QJsonValue> reply = bridge.sendCommand(method, params);
    // onCanceled before onFailed: on Qt 6.4 an onFailed() swallows a cancellation.
    reply.then(this, [count, &tally](const QJsonValue &) { count(); ++tally.results; })
        .onCanceled(this, [count, &tally] { count(); ++tally.cancels; })
        .onFailed(this, [count, &tally](const QRustBridgeError &) { count(); ++tally.errors; });
    if (random->bounded(8) == 0)
        reply.cancel();
    live << reply;
}

void tst_Soak::randomTrafficUnderChaos()
{
    QVERIFY(demoBackendExists());
    const int seconds = qEnvironmentVariableIntValue("QRUSTBRIDGE_SOAK_SECONDS") > 0
        ? qEnvironmentVariableIntValue("QRUSTBRIDGE_SOAK_SECONDS") : 30;
    const int fdsBefore = openFileDescriptors();
    QTemporaryDir dir;
    const QString socketPath = dir.filePath(QStringLiteral("soak.sock"));
    Tally tally;
    QList<QFuture<QJsonValue>> live;
    qint64 chaosEvents = 0;
    {
        auto daemon = std::make_unique<QProcess>();
        auto startDaemon = [&] {
            daemon = std::make_unique<QProcess>();
            daemon->setProcessChannelMode(QProcess::ForwardedOutputChannel);
            daemon->start(QStringLiteral(DEMO_BACKEND_PATH), {QStringLiteral("--socket"), socketPath});
            daemon->waitForStarted();
        };
        startDaemon();
        QTRY_VERIFY(QFile::exists(socketPath));

        QRustBridgeOptions options = demoOptions();
        options.cancelMethod = QStringLiteral("$/cancel");
        options.requestTimeoutMs = 2000;
        std::vector<std::unique_ptr<QRustBridge>> bridges;
        for (int i = 0; i < 3; ++i) {
            bridges.push_back(std::make_unique<QRustBridge>(options));
            QRB_SPAWN(*bridges.back());
        }
        QRustSocketOptions socketOptions;
        socketOptions.autoReconnect = true;
        socketOptions.reconnectBaseDelayMs = 20;
        socketOptions.reconnectMaxDelayMs = 200;
        socketOptions.maxReconnectAttempts = 1000;
        bridges.push_back(std::make_unique<QRustBridge>(options));
        QFuture<bool> connected = bridges.back()->connectToServer(socketPath, socketOptions);
        QRB_WAIT(connected, 5000);
        QVERIFY(connected.result());

        QTimer traffic;
        connect(&traffic, &QTimer::timeout, this, [&] {
            for (int i = 0; i < 5; ++i)
                issueRandomWork(*bridges[QRandomGenerator::global()->bounded(int(bridges.size()))], tally, live);
            live.erase(std::remove_if(live.begin(), live.end(), [](const auto &f) { return f.isFinished(); }), live.end());
        });
        QTimer chaos;
        connect(&chaos, &QTimer::timeout, this, [&] {
            ++chaosEvents;
            const int what = QRandomGenerator::global()->bounded(4);
            QRustBridge &victim = *bridges[QRandomGenerator::global()->bounded(3)];
            if (what == 0 && victim.isRunning()) {
                victim.sendCommand(QStringLiteral("abort"));  // a crash mid-traffic
            } else if (what == 1 && victim.isRunning()) {
                victim.kill();
            } else if (what == 2) {
                daemon->kill();  // every socket client loses its connection
                daemon->waitForFinished();
                QFile::remove(socketPath);
                startDaemon();
            }
            for (int i = 0; i < 3; ++i) {
                if (bridges[i]->state() == QRustBridge::State::NotRunning)
                    bridges[i]->spawn();
            }
        });
        traffic.start(2);
        chaos.start(250);
        QElapsedTimer soak;
        soak.start();
        while (soak.elapsed() < seconds * 1000)
            QTest::qWait(100);
        traffic.stop();
        chaos.stop();
        QTRY_VERIFY_WITH_TIMEOUT(tally.completed == tally.issued, 10000);
        bridges.clear();
        daemon->kill();
        daemon->waitForFinished();
    }
    qInfo("soak: %d s, %lld issued, %lld results, %lld errors, %lld cancelled, %lld chaos events",
          seconds, tally.issued, tally.results, tally.errors, tally.cancels, chaosEvents);
    QCOMPARE(tally.completedTwice, 0);
    QVERIFY(tally.results > 0);
    QVERIFY(tally.errors > 0);
    QTRY_VERIFY_WITH_TIMEOUT(childProcesses().isEmpty(), 5000);
    QTRY_VERIFY(openFileDescriptors() <= fdsBefore + 2);
}

QTEST_GUILESS_MAIN(tst_Soak)
#include "tst_soak.moc"
