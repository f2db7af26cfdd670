// Proves QRustStream: chunks in order then exactly one finished/failed,
// the inactivity timeout restarting per chunk, errors after chunks, backend
// death and kill mid-stream, cancellation end to end, and bounded buffering.
#include "../../shared/testsupport.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMutex>
#include <QtCore/QScopeGuard>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

namespace {

// Received lines of the protocol trace ("qrustbridge.trace", written on the
// I/O thread): what the backend sent, which the bridge may then ignore.
QMutex g_traceMutex;
QStringList g_received;
QtMessageHandler g_previousHandler = nullptr;

void captureReceived(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (qstrcmp(context.category, "qrustbridge.trace") == 0) {
        if (message.contains(QLatin1String("<--"))) {
            QMutexLocker locker(&g_traceMutex);
            g_received << message;
        }
        return;
    }
    g_previousHandler(type, context, message);
}

bool receivedLineContaining(const QString &text)
{
    QMutexLocker locker(&g_traceMutex);
    for (const QString &line : std::as_const(g_received)) {
        if (line.contains(text))
            return true;
    }
    return false;
}

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
    // Time is the point (the test runs serially): 20 x 200 ms = 4 s in
    // total, far beyond the 1.5 s timeout, but never silent for more than a
    // seventh of it, which a loaded machine's scheduling cannot bridge.
    options.streamTimeoutMs = 1500;
    QRustBridge bridge(options);
    QRB_SPAWN(bridge);
    QRustStream *stream = bridge.sendCommandStreaming(QStringLiteral("count"), countParams(20, 200));
    QSignalSpy finished(stream, &QRustStream::finished);
    QSignalSpy failed(stream, &QRustStream::failed);
    QTRY_VERIFY_WITH_TIMEOUT(stream->isFinished(), 60000);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(stream->chunkCount(), 20);
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
    // This bridge traces the protocol, so the test sees what the backend
    // sends after the cancel even though the bridge ignores it.
    QRustBridgeOptions options = demoOptions();
    options.cancelMethod = QStringLiteral("$/cancel");
    options.traceMessages = true;
    m_bridge = std::make_unique<QRustBridge>(options);
    g_received.clear();
    g_previousHandler = qInstallMessageHandler(captureReceived);
    auto restoreHandler = qScopeGuard([] { qInstallMessageHandler(g_previousHandler); });
    QRB_SPAWN(*m_bridge);

    // 100 000 chunks, 20 ms apart: left alone, the stream would run for half an hour.
    QRustStream *stream = m_bridge->sendCommandStreaming(QStringLiteral("count"), countParams(100000, 20));
    QSignalSpy chunks(stream, &QRustStream::chunkReceived);
    QSignalSpy failed(stream, &QRustStream::failed);
    QVERIFY(chunks.wait(5000));
    stream->cancel();
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.at(0).at(0).value<QRustBridgeError>().code(), Code::Cancelled);
    QVERIFY(stream->result().isCanceled());
    const int chunksAtCancel = chunks.count();
    // The backend saw $/cancel: its handler ended the stream with "cancelled",
    // a response only a cancel produces, and no late chunk leaks out.
    QTRY_VERIFY_WITH_TIMEOUT(receivedLineContaining(QStringLiteral("\"error\":\"cancelled\"")), 30000);
    QFuture<QJsonValue> echo = m_bridge->sendCommand(QStringLiteral("echo"), 1);
    QRB_WAIT(echo, 30000);
    QCOMPARE(echo.result().toInt(), 1);
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
