// Proves socket mode (connectToServer) against the Rust demo backend's
// --socket daemon: handshake, errors for bad paths, exactly-once Disconnected
// failures, auto-reconnect with backoff after which new requests work,
// kill() during backoff, and many clients whose responses never cross.
#include "../../shared/testsupport.h"

#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QLocalServer>
#include <QtNetwork/QLocalSocket>

using namespace TestSupport;
using Code = QRustBridgeError::Code;
using State = QRustBridge::State;

class tst_SocketMode : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void connectsAndEchoes();
    void receivesEvents();
    void nonexistentPathFailsFast();
    void pathThatIsNotASocketFails();
    void tooLongPathIsRefusedClearly();
    void readyTimeoutFails();
    void killClosesConnectionOnly();
    void daemonDeathFailsPendingWithDisconnected();
    void reconnectsAndNewRequestsWork();
    void requestsWhileReconnectingFailAtOnce();
    void reconnectGivesUpAfterMaxAttemptsWithBackoff();
    void killDuringBackoffStopsReconnecting();
    void manyClientsNeverGetEachOthersResponses();
    void clientsInSeparateProcessesShareOneDaemon();

private:
    void startDaemon();
    void stopDaemon();
    QTemporaryDir m_dir;
    QString m_path;
    QProcess *m_daemon = nullptr;
};

void tst_SocketMode::init()
{
    QVERIFY2(demoBackendExists(), "the Rust demo backend was not built");
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("demo.sock"));
    startDaemon();
}

void tst_SocketMode::cleanup()
{
    stopDaemon();
}

void tst_SocketMode::startDaemon()
{
    m_daemon = new QProcess(this);
    m_daemon->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_daemon->start(QStringLiteral(DEMO_BACKEND_PATH), {QStringLiteral("--socket"), m_path});
    QVERIFY(m_daemon->waitForStarted());
    QTRY_VERIFY(QFile::exists(m_path));
}

void tst_SocketMode::stopDaemon()
{
    if (!m_daemon)
        return;
    m_daemon->kill();
    m_daemon->waitForFinished();
    delete m_daemon;
    m_daemon = nullptr;
    QFile::remove(m_path);  // a SIGKILLed daemon leaves its socket file behind
}

void tst_SocketMode::connectsAndEchoes()
{
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(m_path);
    QRB_WAIT(connected, 5000);
    QVERIFY2(connected.result(), qPrintable(bridge.lastError().message()));
    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), QJsonObject{{QStringLiteral("x"), 1}});
    QRB_WAIT(reply, 5000);
    QCOMPARE(reply.result().toObject().value(QStringLiteral("x")).toInt(), 1);
    QCOMPARE(bridge.processId(), 0);
}

void tst_SocketMode::receivesEvents()
{
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(m_path);
    QRB_WAIT(connected, 5000);
    QSignalSpy events(&bridge, &QRustBridge::eventReceived);
    QFuture<QJsonValue> reply = bridge.sendCommand(
        QStringLiteral("emit"), QJsonObject{{QStringLiteral("name"), QStringLiteral("ping")}, {QStringLiteral("count"), 3}});
    QRB_WAIT(reply, 5000);
    QCOMPARE(events.count(), 3);
    QCOMPARE(events.at(2).at(1).value<QJsonValue>().toInt(), 2);
}

void tst_SocketMode::nonexistentPathFailsFast()
{
    // Fails on the refused connect itself, not by running into a timeout:
    // the error names the path, and a timeout would be a different message.
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(m_dir.filePath(QStringLiteral("nobody-here.sock")));
    QRB_WAIT(connected, 30000);
    QVERIFY(!connected.result());
    QCOMPARE(bridge.lastError().code(), Code::StartFailed);
    QVERIFY(bridge.lastError().message().contains(QStringLiteral("nobody-here.sock")));
    QCOMPARE(bridge.state(), State::NotRunning);
}

void tst_SocketMode::pathThatIsNotASocketFails()
{
    const QString plain = m_dir.filePath(QStringLiteral("plain-file"));
    QFile file(plain);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(plain);
    QRB_WAIT(connected, 5000);
    QVERIFY(!connected.result());
    QCOMPARE(bridge.lastError().code(), Code::StartFailed);
}

void tst_SocketMode::tooLongPathIsRefusedClearly()
{
    const QString longPath = QStringLiteral("/tmp/") + QString(200, QLatin1Char('s')) + QStringLiteral(".sock");
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(longPath);
    QRB_WAIT(connected, 5000);
    QVERIFY(!connected.result());
    QCOMPARE(bridge.lastError().code(), Code::StartFailed);
    QVERIFY2(bridge.lastError().message().contains(QStringLiteral("at most")), qPrintable(bridge.lastError().message()));
}

void tst_SocketMode::readyTimeoutFails()
{
    // A server that accepts and then says nothing.
    QLocalServer silent;
    const QString path = m_dir.filePath(QStringLiteral("silent.sock"));
    QVERIFY(silent.listen(path));
    QRustBridgeOptions options = demoOptions();
    options.readyTimeoutMs = 300;
    QRustBridge bridge(options);
    QFuture<bool> connected = bridge.connectToServer(path);
    QRB_WAIT(connected, 5000);
    QVERIFY(!connected.result());
    QCOMPARE(bridge.lastError().code(), Code::ReadyTimeout);
    QTRY_COMPARE(bridge.state(), State::NotRunning);
}

void tst_SocketMode::killClosesConnectionOnly()
{
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(m_path);
    QRB_WAIT(connected, 5000);
    QSignalSpy disconnected(&bridge, &QRustBridge::disconnected);
    bridge.kill();
    QTRY_COMPARE(bridge.state(), State::NotRunning);
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(m_daemon->state(), QProcess::Running);
    // The daemon still serves a new connection.
    QFuture<bool> again = bridge.connectToServer(m_path);
    QRB_WAIT(again, 5000);
    QVERIFY(again.result());
}

void tst_SocketMode::daemonDeathFailsPendingWithDisconnected()
{
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(m_path);
    QRB_WAIT(connected, 5000);
    int disconnectedFailures = 0;
    int others = 0;
    for (int i = 0; i < 20; ++i) {
        bridge.sendCommand(QStringLiteral("sleep"), QJsonObject{{QStringLiteral("ms"), 10000}})
            .then(this, [&](const QJsonValue &) { ++others; })
            .onFailed(this, [&](const QRustBridgeError &e) {
                e.code() == Code::Disconnected ? ++disconnectedFailures : ++others;
            });
    }
    QSignalSpy disconnected(&bridge, &QRustBridge::disconnected);
    QTRY_COMPARE(bridge.pendingCount(), 20);
    stopDaemon();
    QTRY_COMPARE(disconnectedFailures, 20);
    QCOMPARE(others, 0);
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(bridge.state(), State::NotRunning);
    QCOMPARE(bridge.lastError().code(), Code::Disconnected);
}

void tst_SocketMode::reconnectsAndNewRequestsWork()
{
    QRustBridgeOptions options = demoOptions();
    options.readyTimeoutMs = 2000;
    QRustBridge bridge(options);
    QRustSocketOptions socketOptions;
    socketOptions.autoReconnect = true;
    socketOptions.reconnectBaseDelayMs = 50;
    socketOptions.reconnectMaxDelayMs = 200;
    socketOptions.maxReconnectAttempts = 100;
    QFuture<bool> connected = bridge.connectToServer(m_path, socketOptions);
    QRB_WAIT(connected, 5000);
    QSignalSpy reconnected(&bridge, &QRustBridge::reconnected);
    QSignalSpy states(&bridge, &QRustBridge::stateChanged);
    stopDaemon();
    QTRY_COMPARE(bridge.state(), State::Reconnecting);
    startDaemon();
    // Not reconnected.wait(): startDaemon() spins the event loop while it
    // waits for the socket file, and the reconnect often completes in there;
    // wait() would then wait for a second one that never comes.
    QTRY_COMPARE_WITH_TIMEOUT(reconnected.count(), 1, 20000);
    QCOMPARE(bridge.state(), State::Running);
    QCOMPARE(states.first().at(0).value<State>(), State::Reconnecting);
    QCOMPARE(states.last().at(0).value<State>(), State::Running);
    // smartrust cannot send after a reconnect; we can.
    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), QStringLiteral("after reconnect"));
    QRB_WAIT(reply, 5000);
    QCOMPARE(reply.result().toString(), QStringLiteral("after reconnect"));
}

void tst_SocketMode::requestsWhileReconnectingFailAtOnce()
{
    QRustBridge bridge(demoOptions());
    QRustSocketOptions socketOptions;
    socketOptions.autoReconnect = true;
    socketOptions.reconnectBaseDelayMs = 1000;
    QFuture<bool> connected = bridge.connectToServer(m_path, socketOptions);
    QRB_WAIT(connected, 5000);
    stopDaemon();
    QTRY_COMPARE(bridge.state(), State::Reconnecting);
    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), 1);
    QVERIFY(reply.isFinished());
    QCOMPARE(errorOf(reply).code(), Code::NotRunning);
    bridge.kill();
}

void tst_SocketMode::reconnectGivesUpAfterMaxAttemptsWithBackoff()
{
    QRustBridge bridge(demoOptions());
    QRustSocketOptions socketOptions;
    socketOptions.autoReconnect = true;
    socketOptions.reconnectBaseDelayMs = 20;
    socketOptions.reconnectMaxDelayMs = 40;
    socketOptions.maxReconnectAttempts = 8;
    QFuture<bool> connected = bridge.connectToServer(m_path, socketOptions);
    QRB_WAIT(connected, 5000);
    QSignalSpy failed(&bridge, &QRustBridge::reconnectFailed);
    QElapsedTimer timer;
    timer.start();
    stopDaemon();
    QVERIFY(failed.wait(60000));
    // Time is the point (the test runs serially): delays 20 + 7 x 40 = 300 ms
    // when capped at 40; doubling without the cap, 20 x (2^8 - 1) = 5 100 ms.
    // The upper bound leaves ten times the capped sum for a loaded machine.
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed >= 290 && elapsed < 3000, qPrintable(QString::number(elapsed)));
    QCOMPARE(bridge.state(), State::NotRunning);
    QCOMPARE(failed.count(), 1);
}

void tst_SocketMode::killDuringBackoffStopsReconnecting()
{
    // A witness bridge with the same retry cadence is not killed: once it
    // has reconnected, and then retried twice more over the live daemon's
    // round trips, the killed bridge would have reconnected too if kill()
    // had left its retry timer running. No fixed wait proves the negative.
    QRustSocketOptions socketOptions;
    socketOptions.autoReconnect = true;
    socketOptions.reconnectBaseDelayMs = 50;
    socketOptions.reconnectMaxDelayMs = 50;
    socketOptions.maxReconnectAttempts = 1000;
    QRustBridge bridge(demoOptions());
    QRustBridge witness(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(m_path, socketOptions);
    QRB_WAIT(connected, 5000);
    QFuture<bool> witnessConnected = witness.connectToServer(m_path, socketOptions);
    QRB_WAIT(witnessConnected, 5000);
    QSignalSpy reconnected(&bridge, &QRustBridge::reconnected);
    QSignalSpy witnessReconnected(&witness, &QRustBridge::reconnected);
    stopDaemon();
    QTRY_COMPARE(bridge.state(), State::Reconnecting);
    QTRY_COMPARE(witness.state(), State::Reconnecting);
    bridge.kill();
    QCOMPARE(bridge.state(), State::NotRunning);
    startDaemon();
    // Not wait(): startDaemon() spins the event loop, and the witness often
    // reconnects in there (see reconnectsAndNewRequestsWork).
    QTRY_COMPARE_WITH_TIMEOUT(witnessReconnected.count(), 1, 90000);
    for (int i = 0; i < 2; ++i) {
        QFuture<QJsonValue> echo = witness.sendCommand(QStringLiteral("sleep"), QJsonObject{{QStringLiteral("ms"), 100}});
        QRB_WAIT(echo, 30000);
    }
    QCOMPARE(reconnected.count(), 0);  // no attempt was made after kill()
    QCOMPARE(bridge.state(), State::NotRunning);
    witness.kill();
}

void tst_SocketMode::manyClientsNeverGetEachOthersResponses()
{
    constexpr int clients = 20;
    constexpr int requests = 500;
    std::vector<std::unique_ptr<QRustBridge>> bridges;
    for (int c = 0; c < clients; ++c) {
        bridges.push_back(std::make_unique<QRustBridge>(demoOptions()));
        QFuture<bool> connected = bridges.back()->connectToServer(m_path);
        QRB_WAIT(connected, 5000);
        QVERIFY(connected.result());
    }
    QList<QFuture<QJsonValue>> replies;
    for (int i = 0; i < requests; ++i) {
        for (int c = 0; c < clients; ++c)
            replies << bridges[c]->sendCommand(QStringLiteral("echo"),
                                               QJsonObject{{QStringLiteral("client"), c}, {QStringLiteral("i"), i}});
    }
    for (int k = 0; k < replies.size(); ++k) {
        QRB_WAIT(replies[k], 20000);
        const QJsonObject result = replies[k].result().toObject();
        QCOMPARE(result.value(QStringLiteral("client")).toInt(), k % clients);
        QCOMPARE(result.value(QStringLiteral("i")).toInt(), k / clients);
    }
}

void tst_SocketMode::clientsInSeparateProcessesShareOneDaemon()
{
    // Each client is this executable in --client mode: it checks that every
    // echo it gets back carries its own tag.
    std::vector<std::unique_ptr<QProcess>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<QProcess>());
        clients.back()->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        clients.back()->start(QCoreApplication::applicationFilePath(),
                              {QStringLiteral("--client"), m_path, QString::number(i), QStringLiteral("300")});
    }
    for (auto &client : clients) {
        QVERIFY(client->waitForFinished(60000));
        QCOMPARE(client->exitStatus(), QProcess::NormalExit);
        QCOMPARE(client->exitCode(), 0);
        QVERIFY(client->readAllStandardOutput().contains("300 own echoes"));
    }
}

namespace {

// The --client mode: `count` sequential echoes tagged with `tag`; exit 0 when
// every reply is this client's own, in order.
int runEchoClient(const QString &socketPath, const QString &tag, int count)
{
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(socketPath);
    if (!waitForFinished(connected, 20000) || !connected.result())
        return 2;
    for (int i = 0; i < count; ++i) {
        const QJsonObject payload{{QStringLiteral("client"), tag}, {QStringLiteral("i"), i}};
        QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), payload);
        if (!waitForFinished(reply, 20000) || reply.isCanceled() || reply.result() != payload)
            return 3;
    }
    std::printf("%d own echoes\n", count);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 5 && qstrcmp(argv[1], "--client") == 0)
        return runEchoClient(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]), atoi(argv[4]));
    tst_SocketMode test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_socketmode.moc"
