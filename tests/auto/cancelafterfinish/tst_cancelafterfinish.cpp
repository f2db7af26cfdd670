// QFuture::cancel() on a future the bridge already finished, after a
// continuation ran on it, must be harmless: the docs promise it "does
// nothing". Qt 6.4's QPromise broke that (its destructor frees the state of
// continuations that already ran, while the caller's future still points at
// them, and cancel() then reads and writes it), so the bridge produces its
// futures without QPromise. The use-after-free happens inside Qt, which
// ASan does not instrument: CTest also runs this test under valgrind
// (cancelafterfinish_valgrind), which fails on any invalid access.
#include "../../shared/testsupport.h"

#include <QtCore/QJsonObject>

using namespace TestSupport;

namespace {

struct EchoJson
{
    static constexpr auto method = "echo";
    using Params = QJsonValue;
    using Result = QJsonValue;
};

struct CountJson
{
    static constexpr auto method = "count";
    using Params = QJsonValue;
    using Chunk = QJsonValue;
    using Result = QJsonValue;
};

// Attaches a continuation whose own future is dropped at once, as
// fire-and-forget code does, and counts its runs.
template <typename T>
void attachContinuation(QFuture<T> future, int &runs)
{
    future.then([&runs](const QFuture<T> &) { ++runs; });
}

} // namespace

class tst_CancelAfterFinish : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cancellingFinishedFuturesDoesNothing();
};

void tst_CancelAfterFinish::init()
{
    QRB_VERIFY_DEMO_BACKEND();
}

void tst_CancelAfterFinish::cancellingFinishedFuturesDoesNothing()
{
    QRustBridge bridge(demoOptions());
    int runs = 0;
    // Born finished (the bridge is not running yet): its continuation runs at once.
    QFuture<QJsonValue> notRunning = bridge.sendCommand(QStringLiteral("echo"), 0);
    attachContinuation(notRunning, runs);
    QFuture<bool> spawned = bridge.spawn();
    attachContinuation(spawned, runs);
    QRB_WAIT(spawned, 15000);
    QVERIFY(spawned.result());

    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), 1);
    attachContinuation(reply, runs);
    QFuture<QJsonValue> failed = bridge.sendCommand(QStringLiteral("fail"),
                                                    QJsonObject{{QStringLiteral("message"), QStringLiteral("no")}});
    attachContinuation(failed, runs);
    QRustStream *stream = bridge.sendCommandStreaming(QStringLiteral("count"), QJsonObject{{QStringLiteral("n"), 3}});
    QFuture<QJsonValue> streamResult = stream->result();
    attachContinuation(streamResult, runs);
    QFuture<QJsonValue> typed = bridge.send<EchoJson>(QJsonValue(2));
    attachContinuation(typed, runs);
    QFuture<QJsonValue> typedStream = qRustSendStreaming<CountJson>(
        bridge, QJsonObject{{QStringLiteral("n"), 3}}, nullptr, [](const QJsonValue &) {});
    attachContinuation(typedStream, runs);

    const QList<QFuture<QJsonValue>> futures{notRunning, reply, failed, streamResult, typed, typedStream};
    for (const QFuture<QJsonValue> &future : futures)
        QRB_WAIT(future, 10000);
    QCOMPARE(runs, 7);
    // Let everything the bridge still holds for those requests go.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCoreApplication::processEvents();

    spawned.cancel();
    for (QFuture<QJsonValue> future : futures)
        future.cancel();
    QCOMPARE(spawned.result(), true);
    QCOMPARE(reply.result().toInt(), 1);
    QCOMPARE(typed.result().toInt(), 2);
    QCOMPARE(errorOf(failed).code(), QRustBridgeError::Code::Remote);
    QCOMPARE(errorOf(notRunning).code(), QRustBridgeError::Code::NotRunning);
    QCOMPARE(runs, 7);
    QVERIFY(bridge.isRunning());
}

QTEST_GUILESS_MAIN(tst_CancelAfterFinish)
#include "tst_cancelafterfinish.moc"
