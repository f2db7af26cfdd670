// Inbound flow control (issue #19): when the app's thread does not keep up,
// the I/O thread stops reading the backend once more than
// inboundHighWaterMark bytes (or IoWorker::inboundCountLimit messages) wait
// for it, so the backend waits instead of the client's memory growing.
// Proves, against the Rust demo backend:
//   - 2 000 000 events while the app's thread is busy for 4 s: the client's
//     peak RSS stays within baseline + 64 MiB (stdio, local socket, TCP), and
//     afterwards every event arrives, in order; the same over TLS, from an
//     `openssl s_server` that sends them as soon as we connect (under a
//     sanitizer: 300 000 events, and no memory bounds, RSS would measure
//     the sanitizer);
//   - a slow consumer (1 ms per event in its slot) against a fast producer
//     stays bounded the whole time, and gets every event;
//   - a 50 MiB reply still works with the default limits (one line bigger
//     than the mark is read whole);
//   - reading really pauses (the I/O thread says so in the "qrustbridge"
//     category), and kill(), destruction and a backend crash while paused
//     finish every pending future exactly once;
//   - with I/O on the bridge's thread (the default for pipes and plain
//     sockets), the same floods stay bounded and lose nothing.
#include "../../shared/testsupport.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpServer>

#include <atomic>
#include <memory>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

namespace {

constexpr qint64 MiB = 1024 * 1024;

// Under ASan or TSan, RSS measures the sanitizer (shadow memory, ASan's
// quarantine of freed blocks), not us: the memory bounds are not checked
// there, and the floods are smaller (still far above the 64 Ki message limit).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool underSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool underSanitizer = true;
#else
constexpr bool underSanitizer = false;
#endif
#else
constexpr bool underSanitizer = false;
#endif
constexpr qint64 floodEvents = underSanitizer ? 300000 : 2000000;

// Fails the test if the peak RSS grew by `limit` or more since `baseline`.
#define QRB_VERIFY_MEMORY_GROWTH(peak, baseline, limit)                                            \
    do {                                                                                          \
        if (!underSanitizer)                                                                      \
            QVERIFY2((peak) - (baseline) < (limit),                                               \
                     qPrintable(QStringLiteral("peak RSS grew by %1 MiB").arg(((peak) - (baseline)) / MiB))); \
    } while (false)

// "VmRSS" (now) or "VmHWM" (peak since resetPeakRss()) of this process, in bytes.
qint64 procStatusBytes(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

qint64 currentRss() { return procStatusBytes("VmRSS"); }
qint64 peakRss() { return procStatusBytes("VmHWM"); }

// Makes VmHWM start again from the current RSS (Linux >= 4.0).
bool resetPeakRss()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

void busyFor(int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
    }
}

// Counts the "flood" events a bridge delivers, whose data are 0, 1, 2, ...
struct FloodCounter
{
    qint64 received = 0;
    qint64 outOfOrder = 0;

    void watch(QRustBridge &bridge, QObject *context)
    {
        QObject::connect(&bridge, &QRustBridge::eventReceived, context, [this](const QString &name, const QJsonValue &data) {
            if (name != QLatin1String("flood"))
                return;
            if (data.toInteger(-1) != received)
                ++outOfOrder;
            ++received;
        });
    }
};

// Counts the I/O thread's "reading paused" messages (it logs them from its
// own thread, hence the atomic); swallows the category's other debug output.
std::atomic<int> g_pauses{0};
QtMessageHandler g_previousHandler = nullptr;

void countPauses(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (qstrcmp(context.category, "qrustbridge") == 0 && type == QtDebugMsg) {
        if (message.contains(QLatin1String("reading paused")))
            ++g_pauses;
        return;
    }
    g_previousHandler(type, context, message);
}

} // namespace

class tst_InboundFlow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void busyAppThreadKeepsMemoryBoundedAndLosesNothing_data();
    void busyAppThreadKeepsMemoryBoundedAndLosesNothing();
    void tlsBusyAppThreadKeepsMemoryBoundedAndLosesNothing();
    void slowConsumerStaysBounded_data();
    void slowConsumerStaysBounded();
    void fiftyMiBReplyWorksWithDefaults();
    void killWhilePausedFinishesEveryFutureOnce_data();
    void killWhilePausedFinishesEveryFutureOnce();
    void destructionWhilePausedFinishesEveryFutureOnce();
    void backendCrashWhilePausedIsNoticed();

private:
    // Starts `bridge` over `transport` ("stdio", "socket" or "tcp"); for the
    // socket modes the demo backend runs as a daemon owned by the test.
    bool start(QRustBridge &bridge, const QString &transport);
    // Busy-waits (the app's thread must not take the queue) until the I/O
    // thread paused reading, at most `ms`.
    static bool busyUntilPaused(int pausesBefore, int ms);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_daemon;
};

void tst_InboundFlow::initTestCase()
{
    QRB_VERIFY_DEMO_BACKEND();
    QVERIFY(m_dir.isValid());
    QVERIFY2(resetPeakRss() && peakRss() > 0, "needs /proc/self/status and /proc/self/clear_refs");
    QLoggingCategory::setFilterRules(QStringLiteral("qrustbridge.debug=true"));
    g_previousHandler = qInstallMessageHandler(countPauses);
}

void tst_InboundFlow::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
    QLoggingCategory::setFilterRules(QString());
}

void tst_InboundFlow::cleanup()
{
    if (m_daemon) {
        m_daemon->kill();
        m_daemon->waitForFinished();
        m_daemon.reset();
    }
    QFile::remove(m_dir.filePath(QStringLiteral("s")));
}

bool tst_InboundFlow::start(QRustBridge &bridge, const QString &transport)
{
    QFuture<bool> started;
    if (transport == QLatin1String("stdio")) {
        started = bridge.spawn();
    } else if (transport == QLatin1String("socket")) {
        const QString path = m_dir.filePath(QStringLiteral("s"));
        m_daemon = std::make_unique<QProcess>();
        m_daemon->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_daemon->start(QStringLiteral(DEMO_BACKEND_PATH), {QStringLiteral("--socket"), path});
        if (!m_daemon->waitForStarted())
            return false;
        QElapsedTimer timer;
        timer.start();
        while (!QFile::exists(path) && timer.elapsed() < 10000)
            QTest::qWait(10);
        started = bridge.connectToServer(path);
    } else {
        m_daemon = std::make_unique<QProcess>();
        m_daemon->start(QStringLiteral(DEMO_BACKEND_PATH), {QStringLiteral("--tcp"), QStringLiteral("127.0.0.1:0")});
        if (!m_daemon->waitForStarted())
            return false;
        const QRegularExpression listening(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
        QByteArray stderrText;
        QRegularExpressionMatch match;
        QElapsedTimer timer;
        timer.start();
        while (!match.hasMatch() && timer.elapsed() < 10000) {
            m_daemon->waitForReadyRead(100);
            stderrText += m_daemon->readAllStandardError();
            match = listening.match(QString::fromUtf8(stderrText));
        }
        started = bridge.connectToHost(QStringLiteral("127.0.0.1"), quint16(match.captured(1).toUInt()));
    }
    return waitForFinished(started, 15000) && started.result();
}

// The tests of what happens while reading is paused block the app's thread
// until the I/O thread says it paused: with I/O on the bridge's thread,
// nothing would read meanwhile.
static QRustBridgeOptions pausingOptions()
{
    QRustBridgeOptions options = demoOptions();
    options.dedicatedIoThread = true;
    return options;
}

bool tst_InboundFlow::busyUntilPaused(int pausesBefore, int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (g_pauses.load() == pausesBefore) {
        if (timer.elapsed() > ms)
            return false;
    }
    return true;
}

void tst_InboundFlow::busyAppThreadKeepsMemoryBoundedAndLosesNothing_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<bool>("dedicatedIoThread");
    for (const bool dedicated : {false, true}) {
        const char *where = dedicated ? "I/O thread" : "bridge's thread";
        QTest::addRow("stdio, %s", where) << QStringLiteral("stdio") << dedicated;
        QTest::addRow("local socket, %s", where) << QStringLiteral("socket") << dedicated;
        QTest::addRow("tcp, %s", where) << QStringLiteral("tcp") << dedicated;
    }
}

// On the bridge's thread (the default for these transports) a busy app
// thread reads nothing: the backend waits in the pipe or socket, and reading
// pauses only if the bulk decoder fills the queue afterwards. On an I/O
// thread of its own, reading goes on until the queue is full, then pauses.
void tst_InboundFlow::busyAppThreadKeepsMemoryBoundedAndLosesNothing()
{
    QFETCH(QString, transport);
    QFETCH(bool, dedicatedIoThread);
    constexpr qint64 events = floodEvents;
    QRustBridgeOptions options = demoOptions();
    options.dedicatedIoThread = dedicatedIoThread;
    // The flood's own reply comes after every event: under a sanitizer,
    // with I/O on the app's thread, that is longer than the default 30 s.
    options.requestTimeoutMs = 240000;
    QRustBridge bridge(options);
    QVERIFY(start(bridge, transport));

    FloodCounter counter;
    counter.watch(bridge, this);

    const qint64 baseline = currentRss();
    QVERIFY(resetPeakRss());
    const int pausesBefore = g_pauses.load();
    QFuture<QJsonValue> flood = bridge.sendCommand(
        QStringLiteral("emit"), QJsonObject{{QStringLiteral("name"), QStringLiteral("flood")},
                                            {QStringLiteral("count"), events}});
    busyFor(4000);  // a long layout, a modal computation: the scenario itself
    const qint64 peakWhileBusy = peakRss();
    QTRY_COMPARE_WITH_TIMEOUT(counter.received, events, 240000);
    QRB_WAIT(flood, 30000);
    QCOMPARE(flood.result(), QJsonValue(true));
    const qint64 peak = peakRss();
    qInfo("%s: baseline %.1f MiB, peak while busy %.1f MiB, peak %.1f MiB, %d pause(s)", qPrintable(transport),
          double(baseline) / MiB, double(peakWhileBusy) / MiB, double(peak) / MiB, g_pauses.load() - pausesBefore);
    QCOMPARE(counter.outOfOrder, 0);
    QRB_VERIFY_MEMORY_GROWTH(peak, baseline, 64 * MiB);
    if (dedicatedIoThread)
        QVERIFY(g_pauses.load() > pausesBefore);
}

void tst_InboundFlow::tlsBusyAppThreadKeepsMemoryBoundedAndLosesNothing()
{
    // The demo backend has no TLS: openssl's test server sends a file of a
    // ready event and the events to whoever connects, and stops sending
    // (its SSL_write blocks) while we do not read.
    if (!QSslSocket::supportsSsl())
        QRB_SKIP_OUTSIDE_CI("no TLS backend in Qt");
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    QVERIFY2(!openssl.isEmpty(), "the openssl command is needed for the TLS server");
    constexpr qint64 events = floodEvents;
    const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    QProcess req;
    req.setProcessChannelMode(QProcess::MergedChannels);
    req.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("1"),
                        QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"), key,
                        QStringLiteral("-out"), cert});
    QVERIFY(req.waitForFinished(60000));
    QVERIFY2(req.exitCode() == 0, req.readAll().constData());
    const QString floodPath = m_dir.filePath(QStringLiteral("flood.ndjson"));
    {
        QFile flood(floodPath);
        QVERIFY(flood.open(QIODevice::WriteOnly));
        QByteArray text = "{\"event\":\"ready\",\"data\":{}}\n";
        for (qint64 i = 0; i < events; ++i) {
            text += "{\"event\":\"flood\",\"data\":" + QByteArray::number(i) + "}\n";
            if (text.size() > 1024 * 1024) {
                QVERIFY(flood.write(text) == text.size());
                text.clear();
            }
        }
        QVERIFY(flood.write(text) == text.size());
    }
    quint16 port = 0;
    {
        QTcpServer probe;  // a free port for the server
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    m_daemon = std::make_unique<QProcess>();
    m_daemon->setStandardInputFile(floodPath);
    m_daemon->setStandardOutputFile(QProcess::nullDevice());
    m_daemon->setStandardErrorFile(QProcess::nullDevice());
    m_daemon->start(openssl, {QStringLiteral("s_server"), QStringLiteral("-quiet"), QStringLiteral("-naccept"),
                              QStringLiteral("1"), QStringLiteral("-accept"),
                              QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("-cert"), cert,
                              QStringLiteral("-key"), key});
    QVERIFY(m_daemon->waitForStarted());

    QRustBridge bridge(demoOptions());
    FloodCounter counter;
    counter.watch(bridge, this);
    QRustTcpOptions tls;
    tls.useTls = true;
    tls.verifyPeer = false;  // a throwaway self-signed certificate
    const qint64 baseline = currentRss();
    QVERIFY(resetPeakRss());
    const int pausesBefore = g_pauses.load();
    QFuture<bool> connected;
    QElapsedTimer timer;
    timer.start();
    for (;;) {  // until s_server listens
        connected = bridge.connectToHost(QStringLiteral("127.0.0.1"), port, tls);
        QVERIFY(waitForFinished(connected, 15000));
        if (connected.result() || timer.elapsed() > 15000)
            break;
        QTest::qWait(50);
    }
    QVERIFY2(connected.result(), qPrintable(bridge.lastError().message()));
    // s_server can stall in a write that wants a read (seen after a first
    // attempt was refused): a line from us wakes it. It never answers it.
    bridge.sendCommand(QStringLiteral("wake"));
    busyFor(4000);
    QTRY_COMPARE_WITH_TIMEOUT(counter.received, events, 180000);  // within QtTest's 300 s
    const qint64 peak = peakRss();
    qInfo("tls: baseline %.1f MiB, peak %.1f MiB, %d pause(s)", double(baseline) / MiB, double(peak) / MiB,
          g_pauses.load() - pausesBefore);
    QCOMPARE(counter.outOfOrder, 0);
    QRB_VERIFY_MEMORY_GROWTH(peak, baseline, 64 * MiB);
    QVERIFY(g_pauses.load() > pausesBefore);
}

void tst_InboundFlow::slowConsumerStaysBounded_data()
{
    QTest::addColumn<bool>("dedicatedIoThread");
    QTest::newRow("bridge's thread") << false;
    QTest::newRow("I/O thread") << true;
}

void tst_InboundFlow::slowConsumerStaysBounded()
{
    QFETCH(bool, dedicatedIoThread);
    // 4 000 events of 8 KiB: 32 MiB of lines, about 64 MiB once parsed
    // (QString is UTF-16), produced far faster than 1 ms each is consumed.
    // One shared params object: the requests themselves take no memory.
    // (Each event has its own request, and the backend runs requests in
    // parallel, so their order is the backend's: the order of what it sent
    // is proven by the other tests.)
    constexpr int events = 4000;
    QRustBridgeOptions options = demoOptions();
    options.inboundHighWaterMark = 1 * MiB;
    options.dedicatedIoThread = dedicatedIoThread;
    QRustBridge bridge(options);
    QVERIFY(start(bridge, QStringLiteral("stdio")));

    int received = 0;
    connect(&bridge, &QRustBridge::eventReceived, this, [&](const QString &name, const QJsonValue &data) {
        if (name == QLatin1String("slow") && data.toString().size() == 8 * 1024)
            ++received;
        busyFor(1);
    });

    const QJsonObject params{{QStringLiteral("name"), QStringLiteral("slow")},
                             {QStringLiteral("data"), QString(8 * 1024, QLatin1Char('x'))}};
    const qint64 baseline = currentRss();
    QVERIFY(resetPeakRss());
    const int pausesBefore = g_pauses.load();
    int replies = 0;
    for (int i = 0; i < events; ++i) {
        bridge.sendCommand(QStringLiteral("emit"), params).then(this, [&replies](const QJsonValue &) { ++replies; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(received, events, 240000);
    QTRY_COMPARE_WITH_TIMEOUT(replies, events, 30000);
    const qint64 peak = peakRss();
    qInfo("slow consumer: baseline %.1f MiB, peak %.1f MiB, %d pause(s)", double(baseline) / MiB,
          double(peak) / MiB, g_pauses.load() - pausesBefore);
    QRB_VERIFY_MEMORY_GROWTH(peak, baseline, 24 * MiB);
    if (dedicatedIoThread)
        QVERIFY(g_pauses.load() > pausesBefore);
}

void tst_InboundFlow::fiftyMiBReplyWorksWithDefaults()
{
    QRustBridge bridge(demoOptions());
    QCOMPARE(QRustBridgeOptions().inboundHighWaterMark, 16 * MiB);
    QVERIFY(start(bridge, QStringLiteral("stdio")));
    // The reply's line, {"id":"1","success":true,"result":"xxx…"}, is just under maxPayloadSize.
    const qint64 bytes = QRustBridgeOptions().maxPayloadSize - 64;
    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("big"), QJsonObject{{QStringLiteral("bytes"), bytes}});
    QRB_WAIT(reply, 120000);
    QCOMPARE(errorOf(reply).code(), Code::NoError);
    QCOMPARE(reply.result().toString().size(), bytes);
    // And the bridge reads on afterwards.
    QFuture<QJsonValue> echo = bridge.sendCommand(QStringLiteral("echo"), QStringLiteral("after"));
    QRB_WAIT(echo, 30000);
    QCOMPARE(echo.result(), QJsonValue(QStringLiteral("after")));
}

void tst_InboundFlow::killWhilePausedFinishesEveryFutureOnce_data()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("stdio") << QStringLiteral("stdio");
    QTest::newRow("local socket") << QStringLiteral("socket");
}

void tst_InboundFlow::killWhilePausedFinishesEveryFutureOnce()
{
    QFETCH(QString, transport);
    QRustBridge bridge(pausingOptions());
    QVERIFY(start(bridge, transport));

    const int pausesBefore = g_pauses.load();
    QFuture<QJsonValue> flood = bridge.sendCommand(
        QStringLiteral("emit"), QJsonObject{{QStringLiteral("name"), QStringLiteral("flood")},
                                            {QStringLiteral("count"), floodEvents}});
    QFuture<QJsonValue> sleeper = bridge.sendCommand(QStringLiteral("sleep"), QJsonObject{{QStringLiteral("ms"), 60000}});
    int finishes = 0;
    for (QFuture<QJsonValue> future : {flood, sleeper}) {
        future.then(this, [&finishes](const QFuture<QJsonValue> &) { ++finishes; })
            .onCanceled(this, [&finishes] { ++finishes; });
    }
    QVERIFY2(busyUntilPaused(pausesBefore, 60000), "reading never paused");
    bridge.kill();
    QRB_WAIT(flood, 30000);
    QRB_WAIT(sleeper, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(bridge.state(), QRustBridge::State::NotRunning, 30000);
    QTRY_COMPARE(finishes, 2);
    QVERIFY(errorOf(sleeper).code() != Code::NoError);
    QVERIFY(errorOf(flood).code() != Code::NoError);
    QTest::qWait(200);  // a second completion would run in this time
    QCOMPARE(finishes, 2);
}

void tst_InboundFlow::destructionWhilePausedFinishesEveryFutureOnce()
{
    auto bridge = std::make_unique<QRustBridge>(pausingOptions());
    QVERIFY(start(*bridge, QStringLiteral("stdio")));
    QFuture<QJsonValue> pidReply = bridge->sendCommand(QStringLiteral("pid"));
    QRB_WAIT(pidReply, 10000);
    const qint64 pid = pidReply.result().toInteger();

    const int pausesBefore = g_pauses.load();
    QFuture<QJsonValue> flood = bridge->sendCommand(
        QStringLiteral("emit"), QJsonObject{{QStringLiteral("name"), QStringLiteral("flood")},
                                            {QStringLiteral("count"), floodEvents}});
    QFuture<QJsonValue> sleeper = bridge->sendCommand(QStringLiteral("sleep"), QJsonObject{{QStringLiteral("ms"), 60000}});
    int finishes = 0;
    for (QFuture<QJsonValue> future : {flood, sleeper}) {
        future.then(this, [&finishes](const QFuture<QJsonValue> &) { ++finishes; })
            .onCanceled(this, [&finishes] { ++finishes; });
    }
    QVERIFY2(busyUntilPaused(pausesBefore, 60000), "reading never paused");
    QElapsedTimer destruction;
    destruction.start();
    bridge.reset();
    QVERIFY2(destruction.elapsed() < 10000, "destruction waited on the paused backend");
    QVERIFY(flood.isFinished());
    QVERIFY(sleeper.isFinished());
    QCOMPARE(errorOf(sleeper).code(), Code::ProcessExited);
    QTRY_COMPARE(finishes, 2);
    QTest::qWait(200);
    QCOMPARE(finishes, 2);
    QTRY_VERIFY(!processExists(pid));
}

void tst_InboundFlow::backendCrashWhilePausedIsNoticed()
{
    QRustBridge bridge(pausingOptions());
    QVERIFY(start(bridge, QStringLiteral("stdio")));
    QSignalSpy exited(&bridge, &QRustBridge::exited);
    FloodCounter counter;
    counter.watch(bridge, this);

    const int pausesBefore = g_pauses.load();
    QFuture<QJsonValue> flood = bridge.sendCommand(
        QStringLiteral("emit"), QJsonObject{{QStringLiteral("name"), QStringLiteral("flood")},
                                            {QStringLiteral("count"), floodEvents}});
    QFuture<QJsonValue> sleeper = bridge.sendCommand(QStringLiteral("sleep"), QJsonObject{{QStringLiteral("ms"), 60000}});
    QVERIFY2(busyUntilPaused(pausesBefore, 60000), "reading never paused");
    // The I/O thread writes this while reading is paused; the backend dies at once.
    bridge.sendCommand(QStringLiteral("abort"));
    busyFor(500);
    QVERIFY(exited.wait(60000) || exited.count() == 1);
    QRB_WAIT(sleeper, 10000);
    QCOMPARE(errorOf(sleeper).code(), Code::ProcessExited);
    QCOMPARE(errorOf(flood).code(), Code::ProcessExited);
    QVERIFY(counter.received > 0);
    QVERIFY(counter.received < floodEvents);
    QCOMPARE(counter.outOfOrder, 0);  // what was read before the crash all came, in order
}

QTEST_GUILESS_MAIN(tst_InboundFlow)
#include "tst_inboundflow.moc"
