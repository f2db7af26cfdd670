// Proves QRustStream: chunks in order then exactly one finished/failed,
// the inactivity timeout restarting per chunk, errors after chunks, backend
// death and kill mid-stream, cancellation end to end, and bounded buffering.
#include "../../shared/testsupport.h"

#include <QtCore/QJsonObject>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

namespace {

QJsonObject countParams(int n, int delayMs)
{
    return QJsonObject{{QStringLiteral("n"), n}, {QStringLiteral("delayMs"), delayMs}};
}

} // namespace

class tst_QRustStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void chunksArriveInOrderThenFinishOnce();
    void zeroChunkStreamFinishes();
    void tenThousandChunksKeepOrderAndCount();
    void slowButSteadyStreamDoesNotTimeOut();
    void silentStreamFailsWithStreamTimeout();
    void errorAfterChunksKeepsDeliveredChunks();
    void backendDeathMidStreamFailsOnce();
    void killMidStreamFailsOnce();
    void cancelFinishesAtOnceAndFreesBackend();
    void cancellingResultFutureCancelsStream();
    void deletingStreamCancelsIt();
    void pullConsumerGetsChunksInOrder();
    void unreadStreamBufferIsBounded();
    void signalConsumerBuffersNothing();
    void chunksAvailableSignalsEachRefillOfTheBuffer();
    void chunksAvailableIsSilentForSignalConsumers();
    void streamBufferLimitOptionBoundsTheBuffer();
    void notRunningStreamFailsAfterReturn();

private:
    std::unique_ptr<QRustBridge> m_bridge;
};

void tst_QRustStream::init()
{
    QVERIFY2(demoBackendExists(), "the Rust demo backend was not built");
    QRustBridgeOptions options = demoOptions();
    options.cancelMethod = QStringLiteral("$/cancel");
    m_bridge = std::make_unique<QRustBridge>(options);
    QRB_SPAWN(*m_bridge);
}

void tst_QRustStream::chunksArriveInOrderThenFinishOnce()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(20, 1));
    QSignalSpy chunks(stream, &QRustStream::chunkReceived);
    QSignalSpy finished(stream, &QRustStream::finished);
    QSignalSpy failed(stream, &QRustStream::failed);
    QVERIFY(finished.wait(5000));
    QCOMPARE(chunks.count(), 20);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(chunks.at(i).at(0).value<QJsonValue>().toObject().value(QStringLiteral("i")).toInt(), i);
    QCOMPARE(finished.at(0).at(0).value<QJsonValue>().toObject().value(QStringLiteral("count")).toInt(), 20);
    QVERIFY(stream->isFinished());
    QCOMPARE(stream->result().result().toObject().value(QStringLiteral("count")).toInt(), 20);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(finished.count(), 1);
}

void tst_QRustStream::zeroChunkStreamFinishes()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(0, 0));
    QSignalSpy chunks(stream, &QRustStream::chunkReceived);
    QSignalSpy finished(stream, &QRustStream::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(chunks.count(), 0);
    QCOMPARE(stream->chunkCount(), 0);
}

void tst_QRustStream::tenThousandChunksKeepOrderAndCount()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(10000, 0));
    int expected = 0;
    bool inOrder = true;
    connect(stream, &QRustStream::chunkReceived, this, [&](const QJsonValue &chunk) {
        inOrder = inOrder && chunk.toObject().value(QStringLiteral("i")).toInt() == expected;
        ++expected;
    });
    QSignalSpy finished(stream, &QRustStream::finished);
    QVERIFY(finished.wait(20000));
    QVERIFY(inOrder);
    QCOMPARE(expected, 10000);
    QCOMPARE(stream->chunkCount(), 10000);
}

void tst_QRustStream::slowButSteadyStreamDoesNotTimeOut()
{
    QRustBridgeOptions options = demoOptions();
    options.streamTimeoutMs = 200;
    QRustBridge bridge(options);
    QRB_SPAWN(bridge);
    QRustStream *stream = bridge.sendCommandStreaming(QStringLiteral("count"), countParams(100, 50));
    QSignalSpy finished(stream, &QRustStream::finished);
    QSignalSpy failed(stream, &QRustStream::failed);
    // 100 x 50 ms = 5 s in total, far beyond 200 ms, but never 200 ms silent.
    QTRY_VERIFY_WITH_TIMEOUT(stream->isFinished(), 20000);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(stream->chunkCount(), 100);
}

void tst_QRustStream::silentStreamFailsWithStreamTimeout()
{
    QRustBridgeOptions options = demoOptions();
    options.streamTimeoutMs = 200;
    QRustBridge bridge(options);
    QRB_SPAWN(bridge);
    QRustStream *stream = bridge.sendCommandStreaming(QStringLiteral("count"), countParams(3, 300));
    QSignalSpy failed(stream, &QRustStream::failed);
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.at(0).at(0).value<QRustBridgeError>().code(), Code::StreamTimeout);
    QCOMPARE(errorOf(stream->result()).code(), Code::StreamTimeout);
    QCOMPARE(bridge.pendingCount(), 0);
}

void tst_QRustStream::errorAfterChunksKeepsDeliveredChunks()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("stream_fail"),
                                                         QJsonObject{{QStringLiteral("after"), 3}});
    QSignalSpy chunks(stream, &QRustStream::chunkReceived);
    QSignalSpy failed(stream, &QRustStream::failed);
    QSignalSpy finished(stream, &QRustStream::finished);
    QVERIFY(failed.wait(5000));
    QCOMPARE(chunks.count(), 3);
    const QRustBridgeError error = failed.at(0).at(0).value<QRustBridgeError>();
    QCOMPARE(error.code(), Code::Remote);
    QVERIFY(error.message().contains(QStringLiteral("3")));
    QCOMPARE(finished.count(), 0);
}

void tst_QRustStream::backendDeathMidStreamFailsOnce()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(1000, 10));
    QSignalSpy chunks(stream, &QRustStream::chunkReceived);
    QSignalSpy failed(stream, &QRustStream::failed);
    QVERIFY(chunks.wait(5000));
    m_bridge->sendCommand(QStringLiteral("abort"));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.at(0).at(0).value<QRustBridgeError>().code(), Code::ProcessExited);
    QTRY_COMPARE(m_bridge->state(), QRustBridge::State::NotRunning);
    QCOMPARE(failed.count(), 1);
}

void tst_QRustStream::killMidStreamFailsOnce()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(1000, 10));
    QSignalSpy chunks(stream, &QRustStream::chunkReceived);
    QSignalSpy failed(stream, &QRustStream::failed);
    QVERIFY(chunks.wait(5000));
    m_bridge->kill();
    QCOMPARE(failed.count(), 1);
    const int chunksAtKill = chunks.count();
    QTRY_COMPARE(m_bridge->state(), QRustBridge::State::NotRunning);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(chunks.count(), chunksAtKill);  // nothing after the end
}

void tst_QRustStream::cancelFinishesAtOnceAndFreesBackend()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(1000, 20));
    QSignalSpy chunks(stream, &QRustStream::chunkReceived);
    QSignalSpy failed(stream, &QRustStream::failed);
    QVERIFY(chunks.wait(5000));
    stream->cancel();
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.at(0).at(0).value<QRustBridgeError>().code(), Code::Cancelled);
    QVERIFY(stream->result().isCanceled());
    const int chunksAtCancel = chunks.count();
    // The backend saw $/cancel: an echo is answered promptly, and no late chunk leaks out.
    QFuture<QJsonValue> echo = m_bridge->sendCommand(QStringLiteral("echo"), 1);
    QRB_WAIT(echo, 2000);
    QFuture<QJsonValue> pendingStreams = m_bridge->sendCommand(QStringLiteral("echo"), 2);
    QRB_WAIT(pendingStreams, 2000);
    QCOMPARE(chunks.count(), chunksAtCancel);
    QCOMPARE(m_bridge->pendingCount(), 0);
}

void tst_QRustStream::cancellingResultFutureCancelsStream()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(1000, 20));
    QSignalSpy failed(stream, &QRustStream::failed);
    QFuture<QJsonValue> result = stream->result();
    result.cancel();
    QVERIFY(failed.wait(2000));
    QCOMPARE(failed.at(0).at(0).value<QRustBridgeError>().code(), Code::Cancelled);
    QVERIFY(result.isFinished());
}

void tst_QRustStream::deletingStreamCancelsIt()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(1000, 20));
    QFuture<QJsonValue> result = stream->result();
    QTRY_COMPARE(m_bridge->pendingCount(), 1);
    delete stream;
    QVERIFY(result.isFinished());
    QVERIFY(result.isCanceled());
    QCOMPARE(m_bridge->pendingCount(), 0);
}

void tst_QRustStream::pullConsumerGetsChunksInOrder()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(200, 0));
    QList<QJsonValue> taken;
    int maxHeld = 0;
    QTimer poll;
    connect(&poll, &QTimer::timeout, this, [&] {
        const QList<QJsonValue> batch = stream->takeChunks();
        maxHeld = qMax(maxHeld, int(batch.size()));
        taken += batch;
    });
    poll.start(1);
    QRB_WAIT(stream->result(), 5000);
    taken += stream->takeChunks();
    QCOMPARE(taken.size(), 200);
    for (int i = 0; i < 200; ++i)
        QCOMPARE(taken.at(i).toObject().value(QStringLiteral("i")).toInt(), i);
    QCOMPARE(stream->droppedChunks(), 0);
}

void tst_QRustStream::unreadStreamBufferIsBounded()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(5000, 0));
    stream->setMaxBufferedChunks(100);
    QRB_WAIT(stream->result(), 10000);
    QCOMPARE(stream->chunkCount(), 5000);
    QCOMPARE(stream->droppedChunks(), 4900);
    const QList<QJsonValue> kept = stream->takeChunks();
    QCOMPARE(kept.size(), 100);
    // The newest chunks are kept.
    QCOMPARE(kept.first().toObject().value(QStringLiteral("i")).toInt(), 4900);
    QCOMPARE(kept.last().toObject().value(QStringLiteral("i")).toInt(), 4999);
}

void tst_QRustStream::signalConsumerBuffersNothing()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(300, 0));
    int received = 0;
    connect(stream, &QRustStream::chunkReceived, this, [&] { ++received; });
    QRB_WAIT(stream->result(), 5000);
    QCOMPARE(received, 300);
    QVERIFY(stream->takeChunks().isEmpty());
}

void tst_QRustStream::chunksAvailableSignalsEachRefillOfTheBuffer()
{
    // One chunk every 20 ms, taken as soon as it is announced: each chunk
    // refills an empty buffer, so each is announced once, and a pull consumer
    // driven only by the signal sees all of them in order.
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(5, 20));
    QList<QJsonValue> taken;
    int announcements = 0;
    connect(stream, &QRustStream::chunksAvailable, this, [&] {
        ++announcements;
        const QList<QJsonValue> batch = stream->takeChunks();
        QVERIFY(!batch.isEmpty());  // never announced with nothing to take
        taken += batch;
    });
    QRB_WAIT(stream->result(), 5000);
    QCOMPARE(taken.size(), 5);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(taken.at(i).toObject().value(QStringLiteral("i")).toInt(), i);
    QCOMPARE(announcements, 5);
}

void tst_QRustStream::chunksAvailableIsSilentForSignalConsumers()
{
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(50, 0));
    QSignalSpy available(stream, &QRustStream::chunksAvailable);
    QSignalSpy chunks(stream, &QRustStream::chunkReceived);
    QRB_WAIT(stream->result(), 5000);
    QCOMPARE(chunks.count(), 50);
    QCOMPARE(available.count(), 0);
}

void tst_QRustStream::streamBufferLimitOptionBoundsTheBuffer()
{
    QList<QPair<QtMsgType, QJsonObject>> logged;
    QRustBridgeOptions options = demoOptions();
    options.streamBufferLimit = 7;
    options.logger = [&](QtMsgType level, const QString &, const QJsonObject &data) {
        if (data.contains(QStringLiteral("limit")))
            logged.append({level, data});
    };
    QRustBridge bridge(options);
    QRB_SPAWN(bridge);
    QRustStream *stream = bridge.sendCommandStreaming(QStringLiteral("count"), countParams(50, 0));
    QCOMPARE(stream->maxBufferedChunks(), 7);
    QSignalSpy available(stream, &QRustStream::chunksAvailable);
    QRB_WAIT(stream->result(), 5000);
    QCOMPARE(available.count(), 1);  // nobody took anything: announced once
    QCOMPARE(stream->droppedChunks(), 43);
    const QList<QJsonValue> kept = stream->takeChunks();
    QCOMPARE(kept.size(), 7);
    QCOMPARE(kept.first().toObject().value(QStringLiteral("i")).toInt(), 43);
    // The drop is reported once, as a warning, through the bridge's logger.
    QCOMPARE(logged.size(), 1);
    QCOMPARE(logged.first().first, QtWarningMsg);
    QCOMPARE(logged.first().second.value(QStringLiteral("limit")).toInt(), 7);
    QCOMPARE(logged.first().second.value(QStringLiteral("id")).toString(), stream->requestId());
}

void tst_QRustStream::notRunningStreamFailsAfterReturn()
{
    QRustBridge idle(demoOptions());
    QRustStream *stream = idle.sendCommandStreaming(QStringLiteral("count"), countParams(1, 0));
    QSignalSpy failed(stream, &QRustStream::failed);
    QVERIFY(stream->isFinished());
    QCOMPARE(errorOf(stream->result()).code(), Code::NotRunning);
    QVERIFY(failed.wait(1000));  // emitted after the caller could connect
    QCOMPARE(failed.count(), 1);
}

QTEST_GUILESS_MAIN(tst_QRustStream)
#include "tst_qruststream.moc"
