// Proves the callback overload of QRustBridge::sendCommand(): every handler
// is called exactly once with the result or the same error a QFuture would
// carry, never from inside sendCommand(), never after its context died, and
// in the bridge's thread even when the bridge is destroyed before the call.
#include "../../shared/testsupport.h"

#include <QtCore/QEventLoop>
#include <QtCore/QJsonObject>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <atomic>
#include <map>
#include <memory>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

namespace {

// Records every call of the handlers it hands out, per request.
class ReplyLog
{
public:
    struct Call
    {
        QJsonValue result;
        QRustBridgeError error;
    };

    QRustBridge::ReplyHandler handler(int key)
    {
        return [this, key](const QJsonValue &result, const QRustBridgeError &error) {
            m_calls[key].push_back({result, error});
            ++m_total;
        };
    }

    int total() const { return m_total; }
    int callsOf(int key) const
    {
        const auto it = m_calls.find(key);
        return it == m_calls.end() ? 0 : int(it->second.size());
    }
    const Call &only(int key) const { return m_calls.at(key).front(); }

private:
    std::map<int, std::vector<Call>> m_calls;
    int m_total = 0;
};

QJsonObject sleepFor(int ms)
{
    return QJsonObject{{QStringLiteral("ms"), ms}};
}

} // namespace

class tst_ReplyHandler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void resultAndRemoteErrorReachTheHandler();
    void notRunningIsReportedFromTheEventLoop();
    void notRunningIsReportedAfterTheBridgeIsDestroyed_data();
    void notRunningIsReportedAfterTheBridgeIsDestroyed();
    void notRunningIsReportedInTheBridgesThread();
    void timeoutCallsTheHandlerOnce();
    void manyInFlightEachGetTheirOwnReply();
    void crashFailsEveryHandlerOnce();
    void destroyedContextDropsTheHandler();
    void destroyingTheBridgeCallsEveryPendingHandler();
    void handlerMayDestroyTheBridge();
};

void tst_ReplyHandler::init()
{
    QRB_VERIFY_DEMO_BACKEND();
}

void tst_ReplyHandler::resultAndRemoteErrorReachTheHandler()
{
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);
    ReplyLog log;
    bridge.sendCommand(QStringLiteral("echo"), QJsonObject{{QStringLiteral("x"), 7}}, this, log.handler(1));
    bridge.sendCommand(QStringLiteral("fail"), QJsonObject{{QStringLiteral("message"), QStringLiteral("disk full")}},
                       this, log.handler(2));
    QTRY_COMPARE(log.total(), 2);
    QCOMPARE(log.only(1).error.code(), Code::NoError);
    QCOMPARE(log.only(1).result.toObject().value(QStringLiteral("x")).toInt(), 7);
    const QRustBridgeError &error = log.only(2).error;
    QCOMPARE(error.code(), Code::Remote);
    QCOMPARE(error.message(), QStringLiteral("disk full"));
    QCOMPARE(error.method(), QStringLiteral("fail"));
    QVERIFY(!error.requestId().isEmpty());
    QVERIFY(log.only(2).result.isNull());
    QCOMPARE(bridge.pendingCount(), 0);
}

void tst_ReplyHandler::notRunningIsReportedFromTheEventLoop()
{
    QRustBridge bridge(demoOptions());
    ReplyLog log;
    bridge.sendCommand(QStringLiteral("echo"), 1, this, log.handler(1));
    QCOMPARE(log.total(), 0);  // not re-entrant: the caller has returned first
    QTRY_COMPARE(log.total(), 1);
    QCOMPARE(log.only(1).error.code(), Code::NotRunning);
    QCOMPARE(log.only(1).error.method(), QStringLiteral("echo"));

    // A context that dies before the event loop runs drops that call too.
    auto *context = new QObject;
    bridge.sendCommand(QStringLiteral("echo"), 2, context, log.handler(2));
    delete context;
    bridge.sendCommand(QStringLiteral("echo"), 3, nullptr, log.handler(3));
    QTRY_COMPARE(log.callsOf(3), 1);
    QCOMPARE(log.callsOf(2), 0);
}

void tst_ReplyHandler::notRunningIsReportedAfterTheBridgeIsDestroyed_data()
{
    QTest::addColumn<bool>("withContext");
    QTest::newRow("context") << true;
    QTest::newRow("no context") << false;
}

void tst_ReplyHandler::notRunningIsReportedAfterTheBridgeIsDestroyed()
{
    QFETCH(bool, withContext);
    ReplyLog log;
    auto *bridge = new QRustBridge(demoOptions());
    bridge->sendCommand(QStringLiteral("echo"), 1, withContext ? this : nullptr, log.handler(1));
    delete bridge;  // before the event loop runs: the call must not go with it
    QCOMPARE(log.total(), 0);
    QTRY_COMPARE(log.total(), 1);
    QCOMPARE(log.callsOf(1), 1);
    QCOMPARE(log.only(1).error.code(), Code::NotRunning);
    QCOMPARE(log.only(1).error.method(), QStringLiteral("echo"));
}

void tst_ReplyHandler::notRunningIsReportedInTheBridgesThread()
{
    // A bridge in a worker thread, no context, destroyed at once: the handler
    // still runs once, and in that thread (not in the main thread). All of it
    // happens in the worker, so the thread start and `calls` order every access.
    std::atomic<int> calls{0};
    QThread *calledIn = nullptr;
    Code code = Code::NoError;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        QEventLoop loop;
        auto *bridge = new QRustBridge(demoOptions());
        bridge->sendCommand(QStringLiteral("echo"), 1, nullptr, [&](const QJsonValue &, const QRustBridgeError &e) {
            calledIn = QThread::currentThread();
            code = e.code();
            ++calls;
            loop.quit();
        });
        delete bridge;
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);  // no call: fail below, don't hang
        loop.exec();
    }));
    worker->start();
    QVERIFY(worker->wait(10000));
    QCOMPARE(calls.load(), 1);
    QCOMPARE(calledIn, worker.get());
    QCOMPARE(code, Code::NotRunning);
}

void tst_ReplyHandler::timeoutCallsTheHandlerOnce()
{
    QRustBridgeOptions options = demoOptions();
    options.requestTimeoutMs = 200;
    QRustBridge bridge(options);
    QRB_SPAWN(bridge);
    ReplyLog log;
    bridge.sendCommand(QStringLiteral("sleep"), sleepFor(600), this, log.handler(1));
    QTRY_COMPARE_WITH_TIMEOUT(log.total(), 1, 5000);
    QCOMPARE(log.only(1).error.code(), Code::Timeout);
    QCOMPARE(bridge.pendingCount(), 0);
    // The late answer (sent before this one) must not reach the handler again.
    QFuture<QJsonValue> after = bridge.sendCommand(QStringLiteral("sleep"), sleepFor(700));
    QRB_WAIT(after, 5000);
    QCOMPARE(log.callsOf(1), 1);
}

void tst_ReplyHandler::manyInFlightEachGetTheirOwnReply()
{
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);
    ReplyLog log;
    constexpr int count = 5000;
    QList<QFuture<QJsonValue>> futures;
    for (int i = 0; i < count; ++i) {
        bridge.sendCommand(QStringLiteral("add"), QJsonObject{{QStringLiteral("a"), i}, {QStringLiteral("b"), 1}},
                           this, log.handler(i));
        // Both overloads share one pending table and one id sequence.
        if (i % 100 == 0)
            futures << bridge.sendCommand(QStringLiteral("echo"), i);
    }
    QCOMPARE(bridge.pendingCount(), count + int(futures.size()));
    QTRY_COMPARE_WITH_TIMEOUT(log.total(), count, 20000);
    for (int i = 0; i < count; ++i) {
        QCOMPARE(log.callsOf(i), 1);
        QCOMPARE(log.only(i).result.toInt(), i + 1);
    }
    for (int i = 0; i < futures.size(); ++i) {
        QRB_WAIT(futures[i], 5000);
        QCOMPARE(futures[i].result().toInt(), i * 100);
    }
    QCOMPARE(bridge.pendingCount(), 0);
}

void tst_ReplyHandler::crashFailsEveryHandlerOnce()
{
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);
    ReplyLog log;
    for (int i = 0; i < 50; ++i)
        bridge.sendCommand(QStringLiteral("sleep"), sleepFor(10000), this, log.handler(i));
    QTRY_COMPARE(bridge.pendingCount(), 50);
    bridge.sendCommand(QStringLiteral("abort"), {}, this, log.handler(50));
    QTRY_COMPARE_WITH_TIMEOUT(log.total(), 51, 10000);
    for (int i = 0; i <= 50; ++i) {
        QCOMPARE(log.callsOf(i), 1);
        QCOMPARE(log.only(i).error.code(), Code::ProcessExited);
    }
    QCOMPARE(log.only(0).error.method(), QStringLiteral("sleep"));
    QCOMPARE(bridge.pendingCount(), 0);
}

void tst_ReplyHandler::destroyedContextDropsTheHandler()
{
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);
    ReplyLog log;
    auto *context = new QObject;
    bridge.sendCommand(QStringLiteral("sleep"), sleepFor(100), context, log.handler(1));
    bridge.sendCommand(QStringLiteral("sleep"), sleepFor(100), this, log.handler(2));
    delete context;
    QTRY_COMPARE_WITH_TIMEOUT(log.callsOf(2), 1, 5000);
    // The request itself still completed: nothing is left pending.
    QTRY_COMPARE(bridge.pendingCount(), 0);
    QCOMPARE(log.callsOf(1), 0);
}

void tst_ReplyHandler::destroyingTheBridgeCallsEveryPendingHandler()
{
    auto *bridge = new QRustBridge(demoOptions());
    QRB_SPAWN(*bridge);
    const qint64 pid = bridge->processId();
    ReplyLog log;
    for (int i = 0; i < 20; ++i)
        bridge->sendCommand(QStringLiteral("sleep"), sleepFor(10000), this, log.handler(i));
    delete bridge;
    // Called inside the destructor, each once, with a bridge-level error.
    QCOMPARE(log.total(), 20);
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(log.callsOf(i), 1);
        QVERIFY(log.only(i).error.isError());
    }
    QVERIFY(!processExists(pid));
}

void tst_ReplyHandler::handlerMayDestroyTheBridge()
{
    auto *bridge = new QRustBridge(demoOptions());
    QRB_SPAWN(*bridge);
    QPointer<QRustBridge> alive(bridge);
    ReplyLog log;
    for (int i = 0; i < 10; ++i)
        bridge->sendCommand(QStringLiteral("sleep"), sleepFor(10000), this, log.handler(i));
    bridge->sendCommand(QStringLiteral("echo"), 1, this,
                        [&](const QJsonValue &result, const QRustBridgeError &) {
                            QCOMPARE(result.toInt(), 1);
                            delete bridge;
                        });
    QTRY_VERIFY(!alive);
    QCOMPARE(log.total(), 10);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(log.callsOf(i), 1);
}

QTEST_GUILESS_MAIN(tst_ReplyHandler)
#include "tst_replyhandler.moc"
