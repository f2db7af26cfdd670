// The protocol trace (issue #17 item 4): with QRustBridgeOptions::traceMessages
// or QRUSTBRIDGE_TRACE=1, every line sent and received goes to the logging
// category "qrustbridge.trace" at debug level, with a timestamp and its
// direction. Proves:
//   - a request and its reply, and the ready event, appear in the order they
//     crossed, "-->" for sent and "<--" for received, each with an ISO time;
//   - the environment variable switches it on for a bridge without the option;
//   - off (the default, or QRUSTBRIDGE_TRACE=0), nothing is written;
//   - the category's rules still apply (qrustbridge.trace.debug=false hides it);
//   - a line longer than 16 KiB is cut, saying how long it was;
//   - a line that is not JSON is traced too (it is what the backend sent).
#include "../../shared/testsupport.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMutex>
#include <QtCore/QRegularExpression>

using namespace TestSupport;

namespace {

// The I/O thread writes the trace: the handler runs there.
QMutex g_mutex;
QStringList g_trace;
QtMessageHandler g_previousHandler = nullptr;

void captureTrace(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (qstrcmp(context.category, "qrustbridge.trace") == 0) {
        QMutexLocker locker(&g_mutex);
        g_trace << (type == QtDebugMsg ? message : QStringLiteral("not at debug level: ") + message);
        return;
    }
    g_previousHandler(type, context, message);
}

QStringList takeTrace()
{
    QMutexLocker locker(&g_mutex);
    return std::exchange(g_trace, {});
}

// Index of the first traced line with `direction` containing `text`, or -1.
qsizetype find(const QStringList &trace, const QString &direction, const QString &text)
{
    for (qsizetype i = 0; i < trace.size(); ++i) {
        if (trace.at(i).contains(QLatin1Char(' ') + direction + QLatin1Char(' ')) && trace.at(i).contains(text))
            return i;
    }
    return -1;
}

} // namespace

class tst_ProtocolTrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void tracesEveryLineBothWaysInOrder();
    void environmentSwitchesItOn();
    void offByDefaultAndWithZero();
    void categoryRulesStillApply();
    void longLinesAreCut();
    void nonJsonLinesAreTraced();

private:
    // Spawns a bridge with `options`, runs one echo, returns what was traced.
    QStringList traceOfEcho(const QRustBridgeOptions &options);
};

void tst_ProtocolTrace::initTestCase()
{
    QRB_VERIFY_DEMO_BACKEND();
    g_previousHandler = qInstallMessageHandler(captureTrace);
}

void tst_ProtocolTrace::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
}

void tst_ProtocolTrace::init()
{
    qunsetenv("QRUSTBRIDGE_TRACE");
    QLoggingCategory::setFilterRules(QString());
    takeTrace();
}

void tst_ProtocolTrace::cleanup()
{
    qunsetenv("QRUSTBRIDGE_TRACE");
    QLoggingCategory::setFilterRules(QString());
}

QStringList tst_ProtocolTrace::traceOfEcho(const QRustBridgeOptions &options)
{
    QRustBridge bridge(options);
    QFuture<bool> started = bridge.spawn();
    if (!waitForFinished(started, 15000) || !started.result())
        return {QStringLiteral("spawn failed")};
    QFuture<QJsonValue> echo = bridge.sendCommand(QStringLiteral("echo"), QJsonObject{{QStringLiteral("say"), QStringLiteral("hello")}});
    if (!waitForFinished(echo, 15000))
        return {QStringLiteral("echo failed")};
    return takeTrace();
}

void tst_ProtocolTrace::tracesEveryLineBothWaysInOrder()
{
    QRustBridgeOptions options = demoOptions();
    options.traceMessages = true;
    const QStringList trace = traceOfEcho(options);

    const qsizetype ready = find(trace, QStringLiteral("<--"), QStringLiteral("\"event\":\"ready\""));
    const qsizetype request = find(trace, QStringLiteral("-->"),
                                   QStringLiteral("{\"id\":\"1\",\"method\":\"echo\",\"params\":{\"say\":\"hello\"}}"));
    const qsizetype reply = find(trace, QStringLiteral("<--"), QStringLiteral("\"id\":\"1\""));
    QVERIFY2(ready >= 0 && request >= 0 && reply >= 0, qPrintable(trace.join(QLatin1Char('\n'))));
    QVERIFY(ready < request);
    QVERIFY(request < reply);
    QVERIFY(trace.at(reply).contains(QLatin1String("\"result\":{\"say\":\"hello\"}")));
    QCOMPARE(trace.size(), 3);  // nothing else crossed
    const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (-->|<--) \\{.*\\}$"));
    for (const QString &line : trace)
        QVERIFY2(shape.match(line).hasMatch(), qPrintable(line));
}

void tst_ProtocolTrace::environmentSwitchesItOn()
{
    qputenv("QRUSTBRIDGE_TRACE", "1");
    const QStringList trace = traceOfEcho(demoOptions());
    QVERIFY2(find(trace, QStringLiteral("-->"), QStringLiteral("\"method\":\"echo\"")) >= 0,
             qPrintable(trace.join(QLatin1Char('\n'))));
}

void tst_ProtocolTrace::offByDefaultAndWithZero()
{
    QCOMPARE(QRustBridgeOptions().traceMessages, false);
    QCOMPARE(traceOfEcho(demoOptions()), QStringList());
    qputenv("QRUSTBRIDGE_TRACE", "0");
    QCOMPARE(traceOfEcho(demoOptions()), QStringList());
}

void tst_ProtocolTrace::categoryRulesStillApply()
{
    QLoggingCategory::setFilterRules(QStringLiteral("qrustbridge.trace.debug=false"));
    QRustBridgeOptions options = demoOptions();
    options.traceMessages = true;
    QCOMPARE(traceOfEcho(options), QStringList());
}

void tst_ProtocolTrace::longLinesAreCut()
{
    QRustBridgeOptions options = demoOptions();
    options.traceMessages = true;
    QRustBridge bridge(options);
    QRB_WAIT(bridge.spawn(), 15000);
    QFuture<QJsonValue> big = bridge.sendCommand(QStringLiteral("big"), QJsonObject{{QStringLiteral("bytes"), 100000}});
    QRB_WAIT(big, 15000);
    QCOMPARE(big.result().toString().size(), 100000);
    const QStringList trace = takeTrace();
    const qsizetype reply = find(trace, QStringLiteral("<--"), QStringLiteral("\"success\":true"));
    QVERIFY(reply >= 0);
    const QString line = trace.at(reply);
    QVERIFY2(line.endsWith(QLatin1String(" ... (100037 bytes)")), qPrintable(line.right(60)));
    QVERIFY(line.size() < 17 * 1024);
}

void tst_ProtocolTrace::nonJsonLinesAreTraced()
{
    QRustBridgeOptions options = demoOptions();
    options.traceMessages = true;
    QRustBridge bridge(options);
    QRB_WAIT(bridge.spawn(), 15000);
    QFuture<QJsonValue> garbage = bridge.sendCommand(QStringLiteral("garbage"));
    QRB_WAIT(garbage, 15000);
    const QStringList trace = takeTrace();
    QVERIFY2(find(trace, QStringLiteral("<--"), QStringLiteral("this is not json")) >= 0,
             qPrintable(trace.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(tst_ProtocolTrace)
#include "tst_protocoltrace.moc"
