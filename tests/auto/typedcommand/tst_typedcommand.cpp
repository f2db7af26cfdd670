// Proves the typed command layer end to end against the Rust demo backend:
// QRustBridge::send<Command>() and qRustSendStreaming<Command>() convert
// params, results and chunks; a value that does not convert fails the future
// with a ProtocolError naming the field; cancellation and teardown reach the
// backend and never leave a future pending.
#include "../../shared/testsupport.h"

#include <QtCore/QFutureWatcher>
#include <QtCore/QPoint>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

struct Item
{
    Q_GADGET
    Q_PROPERTY(QString name MEMBER name)
    Q_PROPERTY(int quantity MEMBER quantity)
public:
    QString name;
    int quantity = 0;
    friend bool operator==(const Item &a, const Item &b) { return a.name == b.name && a.quantity == b.quantity; }
    friend bool operator!=(const Item &a, const Item &b) { return !(a == b); }
};

struct Order
{
    Q_GADGET
    Q_PROPERTY(QString customer MEMBER customer)
    Q_PROPERTY(Item featured MEMBER featured)
    Q_PROPERTY(QList<Item> items MEMBER items)
    Q_PROPERTY(QStringList notes MEMBER notes)
    Q_PROPERTY(qint64 reference MEMBER reference)
    Q_PROPERTY(Status status MEMBER status)
public:
    enum class Status { Open, Shipped };
    Q_ENUM(Status)

    QString customer;
    Item featured;
    QList<Item> items;
    QStringList notes;
    qint64 reference = 0;
    Status status = Status::Open;
    friend bool operator==(const Order &a, const Order &b)
    {
        return a.customer == b.customer && a.featured == b.featured && a.items == b.items && a.notes == b.notes
            && a.reference == b.reference && a.status == b.status;
    }
};

struct AddParams
{
    Q_GADGET
    Q_PROPERTY(qint64 a MEMBER a)
    Q_PROPERTY(qint64 b MEMBER b)
public:
    qint64 a = 0;
    qint64 b = 0;
};

struct SleepParams
{
    Q_GADGET
    Q_PROPERTY(int ms MEMBER ms)
public:
    int ms = 0;
};

struct CountParams
{
    Q_GADGET
    Q_PROPERTY(int n MEMBER n)
    Q_PROPERTY(int delayMs MEMBER delayMs)
public:
    int n = 0;
    int delayMs = 0;
};

struct CountChunk
{
    Q_GADGET
    Q_PROPERTY(int i MEMBER i)
public:
    int i = -1;
};

struct CountResult
{
    Q_GADGET
    Q_PROPERTY(int count MEMBER count)
public:
    int count = -1;
};

// A parameter type the converter cannot write.
struct Drawing
{
    Q_GADGET
    Q_PROPERTY(QPoint origin MEMBER origin)
public:
    QPoint origin;
};

// The commands, as an application would declare them.
struct Echo { static constexpr auto method = "echo"; using Params = Order; using Result = Order; };
struct EchoJsonAsOrder { static constexpr auto method = "echo"; using Params = QJsonValue; using Result = Order; };
struct EchoIgnoringResult { static constexpr auto method = "echo"; using Params = QJsonValue; using Result = void; };
struct EchoDrawing { static constexpr auto method = "echo"; using Params = Drawing; using Result = QJsonValue; };
struct Add { static constexpr auto method = "add"; using Params = AddParams; using Result = qint64; };
struct AddAsText { static constexpr auto method = "add"; using Params = AddParams; using Result = QString; };
struct Fail { static constexpr auto method = "fail"; using Params = QJsonObject; using Result = void; };
struct Sleep { static constexpr auto method = "sleep"; using Params = SleepParams; using Result = QJsonObject; };
struct Count
{
    static constexpr auto method = "count";
    using Params = CountParams;
    using Result = CountResult;
    using Chunk = CountChunk;
};
struct CountAsText { static constexpr auto method = "count"; using Params = CountParams; using Result = CountResult; using Chunk = QString; };
struct CountAsList { static constexpr auto method = "count"; using Params = CountParams; using Result = QStringList; using Chunk = CountChunk; };
struct StreamFail { static constexpr auto method = "stream_fail"; using Params = QJsonObject; using Result = QJsonValue; using Chunk = CountChunk; };

static_assert(QRustTyped::has_method_v<Echo> && QRustTyped::has_params_v<Echo> && QRustTyped::has_result_v<Echo>);
static_assert(!QRustTyped::has_chunk_v<Echo> && QRustTyped::has_chunk_v<Count>);
static_assert(std::is_same_v<decltype(std::declval<QRustBridge &>().send<Add>(AddParams())), QFuture<qint64>>);

#define REQUIRE_DEMO_BACKEND() QRB_VERIFY_DEMO_BACKEND()

namespace {

Order sampleOrder()
{
    Order order;
    order.customer = QStringLiteral("Grace");
    order.featured = Item{QStringLiteral("compiler"), 1};
    order.items = {Item{QStringLiteral("tape"), 3}, Item{QStringLiteral("moth"), 1}};
    order.notes = {QStringLiteral("fragile"), QString()};
    order.reference = (qint64(1) << 53) + 1;
    order.status = Order::Status::Shipped;
    return order;
}

QList<int> range(int n)
{
    QList<int> values;
    for (int i = 0; i < n; ++i)
        values.append(i);
    return values;
}

// demoOptions() plus the backend's cancel method, so cancelling reaches it.
QRustBridgeOptions cancellingOptions()
{
    QRustBridgeOptions options = demoOptions();
    options.cancelMethod = QStringLiteral("$/cancel");
    return options;
}

// A 50 ms request answered by the backend: the window in which a stream
// that was not really stopped (one chunk per 5 ms) would show itself.
void waitForBackendRoundTrip(QRustBridge &bridge)
{
    SleepParams params;
    params.ms = 50;
    QFuture<QJsonObject> slept = bridge.send<Sleep>(params);
    QTRY_VERIFY_WITH_TIMEOUT(slept.isFinished(), 10000);
    QVERIFY(!errorOf(slept).isError());
}

int helperWatchers(const QRustBridge &bridge)
{
    return int(bridge.findChildren<QFutureWatcherBase *>().size());
}

} // namespace

class tst_TypedCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sendEchoRoundTripsNestedGadget();
    void sendAddConvertsParamsAndResult_data();
    void sendAddConvertsParamsAndResult();
    void sendFailsWithProtocolErrorNamingTheField_data();
    void sendFailsWithProtocolErrorNamingTheField();
    void sendWithVoidResultIgnoresTheResult();
    void sendPassesRemoteErrorsThrough();
    void sendWhileNotRunningFailsWithNotRunning();
    void sendWithUnconvertibleParamsFailsWithoutSending();
    void cancellingTypedFutureCancelsTheRequest();
    void typedSendLeavesNoHelperObjectsBehind();
    void cancellingTypedFutureBeyondTheWatchedOnesCancelsTheRequest();
    void streamingDeliversTypedChunksInOrderThenResult();
    void streamingChunkThatDoesNotConvertFailsAndCancelsTheStream();
    void streamingResultThatDoesNotConvertFails();
    void streamingPassesRemoteErrorsThrough();
    void cancellingStreamingFutureCancelsTheStream();
    void destroyingStreamingContextCancelsTheStream();
    void streamingWhileNotRunningFailsWithNotRunning();
    void destroyingBridgeFinishesPendingTypedFutures();
};

void tst_TypedCommand::sendEchoRoundTripsNestedGadget()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);

    const Order sent = sampleOrder();
    QFuture<Order> echoed = bridge.send<Echo>(sent);
    QRB_WAIT(echoed, 10000);
    QCOMPARE(errorOf(echoed).code(), Code::NoError);
    const Order received = echoed.result();
    QCOMPARE(received.customer, sent.customer);
    QCOMPARE(received.featured, sent.featured);
    QCOMPARE(received.items, sent.items);
    QCOMPARE(received.notes, sent.notes);
    QCOMPARE(received.reference, sent.reference); // beyond 2^53: exact through serde_json
    QCOMPARE(received.status, Order::Status::Shipped);
    QVERIFY(received == sent);
}

void tst_TypedCommand::sendAddConvertsParamsAndResult_data()
{
    QTest::addColumn<qint64>("a");
    QTest::addColumn<qint64>("b");
    QTest::addColumn<qint64>("sum");
    QTest::newRow("small") << qint64(2) << qint64(3) << qint64(5);
    QTest::newRow("negative") << qint64(-10) << qint64(4) << qint64(-6);
    QTest::newRow("beyond 2^53") << (qint64(1) << 53) << qint64(1) << (qint64(1) << 53) + 1;
    QTest::newRow("int64 max") << std::numeric_limits<qint64>::max() - 1 << qint64(1) << std::numeric_limits<qint64>::max();
}

void tst_TypedCommand::sendAddConvertsParamsAndResult()
{
    REQUIRE_DEMO_BACKEND();
    QFETCH(qint64, a);
    QFETCH(qint64, b);
    QFETCH(qint64, sum);
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);

    AddParams params;
    params.a = a;
    params.b = b;
    QFuture<qint64> result = bridge.send<Add>(params);
    QRB_WAIT(result, 10000);
    QCOMPARE(errorOf(result).code(), Code::NoError);
    QCOMPARE(result.result(), sum);
}

void tst_TypedCommand::sendFailsWithProtocolErrorNamingTheField_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("message");
    QTest::newRow("nested list field") << 0 << QStringLiteral("echo")
                                       << QStringLiteral("result.items[1].name: expected a string, got number");
    QTest::newRow("missing nested field") << 1 << QStringLiteral("echo")
                                          << QStringLiteral("result.featured.quantity: required field is missing");
    QTest::newRow("wrong top-level type") << 2 << QStringLiteral("add")
                                          << QStringLiteral("result: expected a string, got number");
}

void tst_TypedCommand::sendFailsWithProtocolErrorNamingTheField()
{
    REQUIRE_DEMO_BACKEND();
    QFETCH(int, which);
    QFETCH(QString, method);
    QFETCH(QString, message);
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);

    QJsonObject order = qRustToJson(sampleOrder()).toObject();
    QFuture<QString> failing;
    if (which == 0) {
        QJsonArray items = order.value(QStringLiteral("items")).toArray();
        items[1] = QJsonObject{{QStringLiteral("name"), 42}, {QStringLiteral("quantity"), 1}};
        order.insert(QStringLiteral("items"), items);
    } else if (which == 1) {
        order.insert(QStringLiteral("featured"), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}});
    }
    if (which == 2) {
        failing = bridge.send<AddAsText>(AddParams());
    } else {
        // Map the Order result to a QString so every row has the same future type.
        failing = bridge.send<EchoJsonAsOrder>(order).then([](const Order &o) { return o.customer; });
    }

    // What an application writes: onFailed with the error type.
    QRustBridgeError seen;
    bool handled = false;
    QFuture<QString> recovered = failing.onFailed([&](const QRustBridgeError &error) {
        seen = error;
        handled = true;
        return QStringLiteral("recovered");
    });
    QRB_WAIT(recovered, 10000);
    QVERIFY(handled);
    QCOMPARE(recovered.result(), QStringLiteral("recovered"));
    QCOMPARE(seen.code(), Code::ProtocolError);
    QCOMPARE(seen.message(), message);
    QCOMPARE(seen.method(), method);
    QCOMPARE(bridge.pendingCount(), 0);
    QVERIFY(bridge.isRunning()); // a bad result is the request's problem, not the bridge's
}

void tst_TypedCommand::sendWithVoidResultIgnoresTheResult()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);

    QFuture<void> done = bridge.send<EchoIgnoringResult>(QJsonValue(QStringLiteral("anything")));
    QRB_WAIT(done, 10000);
    QCOMPARE(errorOf(done).code(), Code::NoError);
    QVERIFY(!done.isCanceled());
}

void tst_TypedCommand::sendPassesRemoteErrorsThrough()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);

    QFuture<void> failed = bridge.send<Fail>(QJsonObject{{QStringLiteral("message"), QStringLiteral("no such order")}});
    QRB_WAIT(failed, 10000);
    const QRustBridgeError error = errorOf(failed);
    QCOMPARE(error.code(), Code::Remote);
    QCOMPARE(error.message(), QStringLiteral("no such order"));
    QCOMPARE(error.method(), QStringLiteral("fail"));
}

void tst_TypedCommand::sendWhileNotRunningFailsWithNotRunning()
{
    QRustBridge bridge(demoOptions());
    QFuture<qint64> result = bridge.send<Add>(AddParams());
    QVERIFY(result.isFinished()); // at once, no event loop needed
    QCOMPARE(errorOf(result).code(), Code::NotRunning);
}

void tst_TypedCommand::sendWithUnconvertibleParamsFailsWithoutSending()
{
    // Checked before anything is sent, so a bridge that is not running
    // reports the conversion problem, not NotRunning.
    QRustBridge bridge(demoOptions());
    QFuture<QJsonValue> result = bridge.send<EchoDrawing>(Drawing());
    QVERIFY(result.isFinished());
    const QRustBridgeError error = errorOf(result);
    QCOMPARE(error.code(), Code::ProtocolError);
    QCOMPARE(error.message(), QStringLiteral("Drawing.origin: the type QPoint has no JSON conversion"));
    QCOMPARE(error.method(), QStringLiteral("echo"));
    QCOMPARE(bridge.pendingCount(), 0);
}

void tst_TypedCommand::cancellingTypedFutureCancelsTheRequest()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(cancellingOptions());
    QRB_SPAWN(bridge);

    SleepParams long_;
    long_.ms = 60000;
    QFuture<QJsonObject> sleeping = bridge.send<Sleep>(long_);
    QCOMPARE(bridge.pendingCount(), 1);
    sleeping.cancel();
    // The cancel reaches the untyped request, which leaves the pending table.
    QTRY_COMPARE_WITH_TIMEOUT(bridge.pendingCount(), 0, 5000);
    QRB_WAIT(sleeping, 5000);
    QVERIFY(sleeping.isCanceled());

    // The backend was told: its worker is free again, so a short sleep answers.
    SleepParams short_;
    short_.ms = 1;
    QFuture<QJsonObject> next = bridge.send<Sleep>(short_);
    QRB_WAIT(next, 10000);
    QCOMPARE(next.result().value(QStringLiteral("slept")).toInt(), 1);
}

void tst_TypedCommand::typedSendLeavesNoHelperObjectsBehind()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(cancellingOptions());
    QRB_SPAWN(bridge);

    QList<QFuture<qint64>> sums;
    for (int i = 0; i < 20; ++i)
        sums.append(bridge.send<Add>(AddParams()));
    SleepParams long_;
    long_.ms = 60000;
    QFuture<QJsonObject> cancelled = bridge.send<Sleep>(long_);
    QFuture<QString> failed = bridge.send<AddAsText>(AddParams());
    // No QObject per typed request: a watcher each made Qt scan its
    // posted-event list per request, quadratic with thousands in flight.
    QCOMPARE(helperWatchers(bridge), 0);
    cancelled.cancel();
    for (const QFuture<qint64> &sum : std::as_const(sums))
        QRB_WAIT(sum, 10000);
    QRB_WAIT(failed, 10000);
    QRB_WAIT(cancelled, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(helperWatchers(bridge), 0, 5000);
}

void tst_TypedCommand::cancellingTypedFutureBeyondTheWatchedOnesCancelsTheRequest()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(cancellingOptions());
    QRB_SPAWN(bridge);

    // More typed requests in flight than the bridge checks on every
    // event-loop turn: the last one's cancel is found by the periodic poll.
    constexpr int inFlight = 100;
    SleepParams long_;
    long_.ms = 60000;
    QList<QFuture<QJsonObject>> sleeping;
    for (int i = 0; i < inFlight; ++i)
        sleeping.append(bridge.send<Sleep>(long_));
    QCOMPARE(bridge.pendingCount(), inFlight);
    sleeping.last().cancel();
    QTRY_COMPARE_WITH_TIMEOUT(bridge.pendingCount(), inFlight - 1, 5000);
    QRB_WAIT(sleeping.last(), 5000);
    QVERIFY(sleeping.last().isCanceled());
    QVERIFY(!sleeping.first().isFinished());
}

void tst_TypedCommand::streamingDeliversTypedChunksInOrderThenResult()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);

    QList<int> seen;
    bool finishedBeforeLastChunk = false;
    QFuture<CountResult> counted;
    counted = qRustSendStreaming<Count>(bridge, CountParams{50, 0}, this, [&](const CountChunk &chunk) {
        finishedBeforeLastChunk = finishedBeforeLastChunk || counted.isFinished();
        seen.append(chunk.i);
    });
    QRB_WAIT(counted, 10000);
    QCOMPARE(errorOf(counted).code(), Code::NoError);
    QCOMPARE(counted.result().count, 50);
    QCOMPARE(seen, range(50));
    QVERIFY(!finishedBeforeLastChunk);
    QTRY_COMPARE_WITH_TIMEOUT(helperWatchers(bridge), 0, 5000);
    QCOMPARE(bridge.findChildren<QRustStream *>().size(), 0); // the internal stream is released
}

void tst_TypedCommand::streamingChunkThatDoesNotConvertFailsAndCancelsTheStream()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(cancellingOptions());
    QRB_SPAWN(bridge);

    int callbacks = 0;
    QFuture<CountResult> counted = qRustSendStreaming<CountAsText>(bridge, CountParams{100000, 5}, this,
                                                                   [&](const QString &) { ++callbacks; });
    QRB_WAIT(counted, 10000);
    const QRustBridgeError error = errorOf(counted);
    QCOMPARE(error.code(), Code::ProtocolError);
    QCOMPARE(error.message(), QStringLiteral("chunk[0]: expected a string, got object"));
    QCOMPARE(error.method(), QStringLiteral("count"));
    QVERIFY(!error.requestId().isEmpty());
    QCOMPARE(callbacks, 0);
    // The stream was cancelled, not left running for 100000 chunks.
    QTRY_COMPARE_WITH_TIMEOUT(bridge.pendingCount(), 0, 5000);
    QCOMPARE(bridge.findChildren<QRustStream *>().size(), 0);
}

void tst_TypedCommand::streamingResultThatDoesNotConvertFails()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);

    QList<int> seen;
    QFuture<QStringList> counted = qRustSendStreaming<CountAsList>(bridge, CountParams{3, 0}, this,
                                                                   [&](const CountChunk &chunk) { seen.append(chunk.i); });
    QRB_WAIT(counted, 10000);
    const QRustBridgeError error = errorOf(counted);
    QCOMPARE(error.code(), Code::ProtocolError);
    QCOMPARE(error.message(), QStringLiteral("result: expected an array, got object"));
    QCOMPARE(seen, range(3));
}

void tst_TypedCommand::streamingPassesRemoteErrorsThrough()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(demoOptions());
    QRB_SPAWN(bridge);

    QList<int> seen;
    QFuture<QJsonValue> failed = qRustSendStreaming<StreamFail>(
        bridge, QJsonObject{{QStringLiteral("after"), 2}}, this, [&](const CountChunk &chunk) { seen.append(chunk.i); });
    QRB_WAIT(failed, 10000);
    const QRustBridgeError error = errorOf(failed);
    QCOMPARE(error.code(), Code::Remote);
    QCOMPARE(error.message(), QStringLiteral("stream failed after 2 chunks"));
    QCOMPARE(seen, range(2));
}

void tst_TypedCommand::cancellingStreamingFutureCancelsTheStream()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(cancellingOptions());
    QRB_SPAWN(bridge);

    int callbacks = 0;
    QFuture<CountResult> counted = qRustSendStreaming<Count>(bridge, CountParams{100000, 5}, this,
                                                             [&](const CountChunk &) { ++callbacks; });
    QTRY_VERIFY_WITH_TIMEOUT(callbacks > 0, 10000);
    counted.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(bridge.pendingCount(), 0, 5000);
    QRB_WAIT(counted, 5000);
    QVERIFY(counted.isCanceled());
    const int atCancel = callbacks;
    waitForBackendRoundTrip(bridge); // a still-running stream would deliver ~10 chunks meanwhile
    QCOMPARE(callbacks, atCancel);
    QCOMPARE(bridge.findChildren<QRustStream *>().size(), 0);
}

void tst_TypedCommand::destroyingStreamingContextCancelsTheStream()
{
    REQUIRE_DEMO_BACKEND();
    QRustBridge bridge(cancellingOptions());
    QRB_SPAWN(bridge);

    auto *context = new QObject;
    int callbacks = 0;
    QFuture<CountResult> counted = qRustSendStreaming<Count>(bridge, CountParams{100000, 5}, context,
                                                             [&](const CountChunk &) { ++callbacks; });
    QTRY_VERIFY_WITH_TIMEOUT(callbacks > 0, 10000);
    delete context;
    const int atDelete = callbacks;
    QVERIFY(counted.isFinished());
    QVERIFY(counted.isCanceled());
    QTRY_COMPARE_WITH_TIMEOUT(bridge.pendingCount(), 0, 5000);
    waitForBackendRoundTrip(bridge);
    QCOMPARE(callbacks, atDelete);
}

void tst_TypedCommand::streamingWhileNotRunningFailsWithNotRunning()
{
    QRustBridge bridge(demoOptions());
    int callbacks = 0;
    QFuture<CountResult> counted = qRustSendStreaming<Count>(bridge, CountParams{3, 0}, this,
                                                             [&](const CountChunk &) { ++callbacks; });
    QRB_WAIT(counted, 5000);
    QCOMPARE(errorOf(counted).code(), Code::NotRunning);
    QCOMPARE(callbacks, 0);
}

void tst_TypedCommand::destroyingBridgeFinishesPendingTypedFutures()
{
    REQUIRE_DEMO_BACKEND();
    auto bridge = std::make_unique<QRustBridge>(demoOptions());
    QRB_SPAWN(*bridge);

    SleepParams long_;
    long_.ms = 60000;
    QFuture<QJsonObject> sleeping = bridge->send<Sleep>(long_);
    int callbacks = 0;
    QFuture<CountResult> counted = qRustSendStreaming<Count>(*bridge, CountParams{100000, 5}, this,
                                                             [&](const CountChunk &) { ++callbacks; });
    QTRY_VERIFY_WITH_TIMEOUT(callbacks > 0, 10000);
    bridge.reset();
    QVERIFY(sleeping.isFinished());
    QVERIFY(counted.isFinished());
    QVERIFY(errorOf(sleeping).isError() || sleeping.isCanceled());
    QVERIFY(errorOf(counted).isError() || counted.isCanceled());
}

QTEST_GUILESS_MAIN(tst_TypedCommand)
#include "tst_typedcommand.moc"
