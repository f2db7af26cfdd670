// QRustBridge, used the way an application uses it: sendCommand() futures
// consumed with QFuture::then(context, ...).onFailed(context, ...) on the main
// thread's event loop, streams through QRustStream's signals.
//
// --variant direct (seq, pipelined): context-free .then(...).onFailed(...).
// Futures are fulfilled on the bridge's thread, so such a continuation runs
// right there, inside the delivery, without the extra queued call per
// continuation that a context object costs (docs/benchmarks.md).
//
// --variant callback (seq, pipelined): the callback overload of sendCommand()
// with a context object; no QFuture at all.
//
// --workload futures: no backend either; the QFuture machinery of the
// pipelined workload alone (a fulfilled QPromise plus the continuations).
//
// --workload wakeup: no backend traffic at all; sequential round trips of a
// queued call from the main thread to a second QThread and back, the same two
// hand-offs every request makes (bridge -> I/O thread -> bridge).

#include "benchcommon.h"

#include <QtCore/QFileInfo>

#include <QRustBridge/QRustBridge>

#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QJsonObject>
#include <QtCore/QPromise>
#include <QtCore/QThread>
#include <QtCore/QTimer>

namespace {

const char *const kClient = "qrustbridge";
bench::Args g_args;

[[noreturn]] void die(const QString &why)
{
    bench::fail(kClient, g_args, why.toStdString());
}

// A nested event loop (exec(), so deferred deletions run as in an application)
// that ends when finish() is called; a safety timeout fails the run.
class Waiter
{
public:
    void finish()
    {
        m_done = true;
        m_loop.quit();
    }
    void wait(int timeoutMs = 600000)
    {
        QTimer::singleShot(timeoutMs, &m_loop, [] { die(QStringLiteral("timed out")); });
        if (!m_done)
            m_loop.exec();
    }

private:
    QEventLoop m_loop;
    bool m_done = false;
};

// One request, waited for on the event loop; fails the run on error.
QJsonValue call(QRustBridge &bridge, QObject *context, const QString &method, const QJsonValue &params)
{
    Waiter waiter;
    QJsonValue value;
    bridge.sendCommand(method, params)
        .then(context, [&](const QJsonValue &v) {
            value = v;
            waiter.finish();
        })
        .onFailed(context, [&](const QRustBridgeError &e) { die(method + QStringLiteral(": ") + e.message()); });
    waiter.wait();
    return value;
}

// Sequential round trips after a warm-up: `roundTrip(done)` starts one and
// calls `done` once it is back; throughput and latencies go into `result`.
void runSequential(const bench::Args &args, bench::Result &result,
                   const std::function<void(const std::function<void()> &done)> &roundTrip)
{
    const long n = bench::seqCount(args), warm = bench::seqWarmup(), total = n + warm;
    std::vector<double> latencies;
    latencies.reserve(std::size_t(n));
    long i = 0;
    double start = 0, t0 = 0;
    Waiter waiter;
    std::function<void()> next;
    const std::function<void()> done = [&] {
        if (i++ >= warm)
            latencies.push_back(bench::now() - t0);
        if (i == total)
            waiter.finish();
        else
            next();
    };
    next = [&] {
        if (i == warm)
            start = bench::now();
        t0 = bench::now();
        roundTrip(done);
    };
    next();
    waiter.wait();
    bench::addThroughput(result, n, bench::now() - start);
    bench::addLatencies(result, latencies);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    g_args = bench::parseArgs(argc, argv, DEMO_BACKEND_PATH);
    const bench::Args &args = g_args;
    bench::Result result(kClient, args);

    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    options.binaryPath = QFileInfo(QString::fromStdString(args.backend)).absoluteFilePath();
    options.requestTimeoutMs = 600000;        // the benchmark's own timeout decides
    options.maxPayloadSize = bench::kMaxPayload;  // the 50 MiB `big` reply line is a bit over 50 MiB
    options.dedicatedIoThread = qEnvironmentVariableIntValue("BENCH_DEDICATED_IO_THREAD") == 1;
    QObject context;  // the receiver of every continuation, like a widget would be
    const bool direct = args.variant == "direct";
    const bool callback = args.variant == "callback";
    if (!args.variant.empty() && !direct && !callback)
        die(QStringLiteral("unknown variant ") + QString::fromStdString(args.variant));

    if (args.workload == "wakeup") {
        QThread thread;
        QObject far;  // lives on `thread`, like the bridge's I/O worker
        far.moveToThread(&thread);
        thread.start();
        runSequential(args, result, [&](const std::function<void()> &done) {
            QMetaObject::invokeMethod(&far, [&] { QMetaObject::invokeMethod(&context, done, Qt::QueuedConnection); },
                                      Qt::QueuedConnection);
        });
        thread.quit();
        thread.wait();
        result.add("hwm_kb", double(bench::peakRssKb()));
        result.print();
        return 0;
    }

    if (args.workload == "futures") {
        // What the QFuture API costs by itself: per request, one QPromise (the
        // bridge's) fulfilled on this thread and the caller's continuations,
        // as in the pipelined workload, with no bridge, thread or I/O at all.
        const long n = bench::pipelinedCount(args);
        long received = 0;
        auto onReply = [&](const QJsonValue &) { ++received; };
        auto onError = [&](const QRustBridgeError &e) { die(e.message()); };
        const QJsonValue reply(QJsonObject{{QStringLiteral("s"), QString::fromStdString(bench::smallString())}});
        const double t0 = bench::now();
        std::vector<QPromise<QJsonValue>> promises(static_cast<std::size_t>(n));
        for (QPromise<QJsonValue> &promise : promises) {
            promise.start();
            if (direct)
                promise.future().then(onReply).onFailed(onError);
            else
                promise.future().then(&context, onReply).onFailed(&context, onError);
        }
        for (QPromise<QJsonValue> &promise : promises) {
            promise.addResult(reply);
            promise.finish();
        }
        while (received < n)
            QCoreApplication::processEvents();
        promises.clear();
        bench::addThroughput(result, n, bench::now() - t0);
        result.add("hwm_kb", double(bench::peakRssKb()));
        result.print();
        return 0;
    }

    QRustBridge bridge(options);

    {
        Waiter waiter;
        bool ok = false;
        bridge.spawn().then(&context, [&](bool ready) {
            ok = ready;
            waiter.finish();
        });
        waiter.wait();
        if (!ok)
            die(QStringLiteral("spawn failed: ") + bridge.lastError().message());
    }

    const QJsonObject small{{QStringLiteral("s"), QString::fromStdString(bench::smallString())}};
    // One small echo, its reply consumed the way --variant says. Generic, so
    // the reply handler or continuation holds `onReply` itself: wrapping it in
    // a std::function would cost every request one more allocation.
    auto sendEcho = [&](const auto &onReply) {
        auto onError = [](const QRustBridgeError &e) { die(e.message()); };
        if (callback) {
            bridge.sendCommand(QStringLiteral("echo"), small, &context,
                               [onReply, onError](const QJsonValue &, const QRustBridgeError &error) {
                                   if (error.isError())
                                       onError(error);
                                   onReply();
                               });
            return;
        }
        auto onResult = [onReply](const QJsonValue &) { onReply(); };
        QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), small);
        if (direct)
            reply.then(onResult).onFailed(onError);
        else
            reply.then(&context, onResult).onFailed(&context, onError);
    };

    if (args.workload == "seq") {
        // `done` outlives the run; a reference to it is all a request needs to hold.
        runSequential(args, result, [&](const std::function<void()> &done) { sendEcho([&done] { done(); }); });
    } else if (args.workload == "pipelined") {
        const long n = bench::pipelinedCount(args);
        long received = 0;
        Waiter waiter;
        const double t0 = bench::now();
        const auto onReply = [&] {
            if (++received == n)
                waiter.finish();
        };
        for (long i = 0; i < n; ++i)
            sendEcho(onReply);
        const double sent = bench::now();
        waiter.wait();
        bench::addThroughput(result, n, bench::now() - t0);
        result.add("send_seconds", sent - t0);
    } else if (args.workload == "stream") {
        const long n = bench::streamCount(args);
        long chunks = 0;
        Waiter waiter;
        const double t0 = bench::now();
        QRustStream *stream = bridge.sendCommandStreaming(
            QStringLiteral("count"), QJsonObject{{QStringLiteral("n"), qint64(n)}, {QStringLiteral("delayMs"), 0}});
        QObject::connect(stream, &QRustStream::chunkReceived, &context, [&](const QJsonValue &) { ++chunks; });
        QObject::connect(stream, &QRustStream::finished, &context, [&](const QJsonValue &) { waiter.finish(); });
        QObject::connect(stream, &QRustStream::failed, &context,
                         [&](const QRustBridgeError &e) { die(e.message()); });
        waiter.wait();
        if (chunks != n)
            die(QStringLiteral("got %1 chunks").arg(chunks));
        bench::addThroughput(result, n, bench::now() - t0);
    } else if (args.workload == "echo") {
        const long bytes = bench::echoStringBytes(args);
        QJsonObject params;
        params.insert(QStringLiteral("s"), QString(qsizetype(bytes), QLatin1Char('x')));
        bench::resetPeakRss();  // the peak below includes the request the client holds
        std::vector<double> times;
        const double begin = bench::now(), cpu0 = bench::processCpuSeconds();
        for (int r = 0; r < bench::echoReps(args) && bench::now() - begin < bench::kRepBudgetSeconds; ++r) {
            const double t0 = bench::now();
            const QJsonValue reply = call(bridge, &context, QStringLiteral("echo"), params);
            times.push_back(bench::now() - t0);
            if (!reply.toObject().value(QLatin1String("s")).isString())
                die(QStringLiteral("bad echo reply"));
        }
        result.add("bytes", double(bytes)).add("reps", double(times.size()));
        result.add("cpu_ms_per_rep", (bench::processCpuSeconds() - cpu0) / double(times.size()) * 1e3);
        result.add("seconds", bench::median(times)).add("seconds_min", *std::min_element(times.begin(), times.end()));
        result.add("peak_rss_kb", double(bench::peakRssKb()));
    } else if (args.workload == "stall") {
        std::vector<double> worst, mainCpu;  // per rep: worst timer gap, main-thread CPU time
        const double begin = bench::now();
        for (int r = 0; r < bench::stallReps(args) && bench::now() - begin < bench::kRepBudgetSeconds; ++r) {
            double last = bench::now(), maxGap = 0;
            const double cpu0 = bench::threadCpuSeconds();
            QTimer timer;
            timer.setTimerType(Qt::PreciseTimer);
            QObject::connect(&timer, &QTimer::timeout, &context, [&] {
                const double t = bench::now();
                maxGap = std::max(maxGap, t - last);
                last = t;
            });
            timer.start(1);
            const double t0 = bench::now();
            {
                const QJsonValue reply = call(bridge, &context, QStringLiteral("big"),
                                              QJsonObject{{QStringLiteral("bytes"), qint64(bench::kStallBytes)}});
                if (!reply.isString())
                    die(QStringLiteral("bad big reply"));
            }  // the reply is freed here, on this thread: part of the measured window
            const double t1 = bench::now();
            // Keep ticking a little: deferred deletions run after the reply.
            Waiter settle;
            QTimer::singleShot(50, &context, [&] { settle.finish(); });
            settle.wait();
            maxGap = std::max(maxGap, bench::now() - last);
            worst.push_back(maxGap);
            mainCpu.push_back(bench::threadCpuSeconds() - cpu0);
            result.add("seconds_" + std::to_string(r), t1 - t0);
        }
        result.add("max_gap_ms", bench::median(worst) * 1e3)
            .add("max_gap_ms_worst", *std::max_element(worst.begin(), worst.end()) * 1e3)
            .add("main_cpu_ms", bench::median(mainCpu) * 1e3);
    } else {
        die(QStringLiteral("unknown workload ") + QString::fromStdString(args.workload));
    }
    result.add("hwm_kb", double(bench::peakRssKb()));
    result.print();
    return 0;
}
