// Proves QRustCoro::chunks(): a coroutine loop sees every chunk in order,
// also when its body suspends between chunks; the loop ends when the stream
// finishes, throws the stream's error when it fails, and the typed variant
// converts chunks to the command's Chunk type (a bad chunk throws
// ProtocolError naming it).
#include "../../shared/testsupport.h"

#include <QRustBridge/qrustcoro.h>

#include <QCoroTask>
#include <QCoroTimer>

#include <QtCore/QJsonObject>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

struct CountChunk
{
    Q_GADGET
    Q_PROPERTY(int i MEMBER i)
public:
    int i = -1;
};

struct CountCommand
{
    static constexpr auto method = "count";
    using Params = QJsonValue;
    using Chunk = CountChunk;
    using Result = QJsonValue;
};

struct MistypedCount
{
    static constexpr auto method = "count";
    using Params = QJsonValue;
    using Chunk = QString;   // the backend sends objects
    using Result = QJsonValue;
};

namespace {

QJsonObject countParams(int n, int delayMs)
{
    return QJsonObject{{QStringLiteral("n"), n}, {QStringLiteral("delayMs"), delayMs}};
}

QRustStream *count(QRustBridge &bridge, int n, int delayMs)
{
    return bridge.sendCommandStreaming(QStringLiteral("count"), countParams(n, delayMs));
}

QRustStream *failingStream(QRustBridge &bridge)
{
    // "sleep" is not streaming; the timeout fails it while the loop waits.
    return bridge.sendCommandStreaming(QStringLiteral("sleep"), QJsonObject{{QStringLiteral("ms"), 60000}});
}

int indexOf(const QJsonValue &chunk)
{
    return chunk[QStringLiteral("i")].toInt();
}

struct Outcome
{
    QList<int> indices;
    std::optional<QRustBridgeError> error;
    bool done = false;
};

QCoro::Task<> collect(QRustStream *stream, Outcome *outcome, int pauseMs)
{
    try {
        QCORO_FOREACH(const QJsonValue &chunk, QRustCoro::chunks(stream)) {
            outcome->indices << indexOf(chunk);
            if (pauseMs > 0) {
                QTimer pause;
                pause.start(pauseMs);
                co_await pause;   // chunks keep arriving meanwhile
            }
        }
    } catch (const QRustBridgeError &error) {
        outcome->error = error;
    }
    outcome->done = true;
}

template <typename Command>
QCoro::Task<> collectTyped(QRustStream *stream, Outcome *outcome)
{
    try {
        // Spelled out: GCC 12 rejects QCORO_FOREACH inside a template.
        auto typed = QRustCoro::chunks<Command>(stream);
        auto it = co_await typed.begin();
        while (it != typed.end()) {
            if constexpr (std::is_same_v<typename Command::Chunk, CountChunk>)
                outcome->indices << (*it).i;
            else
                outcome->indices << -1;
            auto next = ++it;
            co_await next;
        }
    } catch (const QRustBridgeError &error) {
        outcome->error = error;
    }
    outcome->done = true;
}

QList<int> range(int n)
{
    QList<int> out;
    for (int i = 0; i < n; ++i)
        out << i;
    return out;
}

} // namespace

class tst_QRustCoro : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void loopSeesEveryChunkInOrder();
    void slowLoopBodyLosesNothing();
    void zeroChunkStreamEndsTheLoop();
    void failedStreamThrowsItsError();
    void typedChunksConvert();
    void badlyTypedChunkThrowsProtocolError();

private:
    std::unique_ptr<QRustBridge> m_bridge;
};

void tst_QRustCoro::init()
{
    QRB_VERIFY_DEMO_BACKEND();
    QRustBridgeOptions options = demoOptions();
    options.requestTimeoutMs = 1000;
    m_bridge = std::make_unique<QRustBridge>(options);
    QRB_SPAWN(*m_bridge);
}

void tst_QRustCoro::loopSeesEveryChunkInOrder()
{
    Outcome outcome;
    collect(count(*m_bridge, 200, 0), &outcome, 0);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.done, 10000);
    QVERIFY(!outcome.error);
    QCOMPARE(outcome.indices, range(200));
}

void tst_QRustCoro::slowLoopBodyLosesNothing()
{
    Outcome outcome;
    collect(count(*m_bridge, 20, 1), &outcome, 5);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.done, 10000);
    QVERIFY(!outcome.error);
    QCOMPARE(outcome.indices, range(20));
}

void tst_QRustCoro::zeroChunkStreamEndsTheLoop()
{
    Outcome outcome;
    QRustStream *stream = count(*m_bridge, 0, 0);
    collect(stream, &outcome, 0);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.done, 10000);
    QVERIFY(!outcome.error);
    QVERIFY(outcome.indices.isEmpty());
    QVERIFY(stream->isFinished());
}

void tst_QRustCoro::failedStreamThrowsItsError()
{
    Outcome outcome;
    collect(failingStream(*m_bridge), &outcome, 0);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.done, 10000);
    QVERIFY(outcome.error);
    QCOMPARE(outcome.error->code(), Code::StreamTimeout);
}

void tst_QRustCoro::typedChunksConvert()
{
    Outcome outcome;
    collectTyped<CountCommand>(count(*m_bridge, 30, 0), &outcome);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.done, 10000);
    QVERIFY(!outcome.error);
    QCOMPARE(outcome.indices, range(30));
}

void tst_QRustCoro::badlyTypedChunkThrowsProtocolError()
{
    Outcome outcome;
    collectTyped<MistypedCount>(count(*m_bridge, 3, 0), &outcome);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.done, 10000);
    QVERIFY(outcome.error);
    QCOMPARE(outcome.error->code(), Code::ProtocolError);
    QVERIFY2(outcome.error->message().contains(QStringLiteral("chunk[0]")), qPrintable(outcome.error->message()));
    QVERIFY(outcome.indices.isEmpty());
}

QTEST_GUILESS_MAIN(tst_QRustCoro)
#include "tst_qrustcoro.moc"
