// The client a Qt developer writes by hand today: QProcess on the GUI thread,
// QJsonDocument for every line both ways, a QHash<QString, std::function> of
// pending callbacks, and a readyReadStandardOutput -> canReadLine/readLine loop.

#include "benchcommon.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTimer>

#include <functional>

namespace {

const char *const kClient = "handrolled";
bench::Args g_args;

[[noreturn]] void die(const QString &why)
{
    bench::fail(kClient, g_args, why.toStdString());
}

class Backend : public QObject
{
public:
    using Callback = std::function<void(const QJsonObject &response)>;
    using ChunkCallback = std::function<void(const QJsonValue &data)>;

    std::function<void()> onReady;

    ~Backend() override
    {
        // Teardown, outside every measurement: let the backend see EOF and exit.
        m_process.disconnect(this);
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(3000))
            m_process.kill();
        m_process.waitForFinished(3000);
    }

    void start(const QString &program)
    {
        connect(&m_process, &QProcess::readyReadStandardOutput, this, &Backend::readLines);
        m_process.setStandardErrorFile(QProcess::nullDevice());
        m_process.start(program, {QStringLiteral("--management")});
    }

    void send(const QString &method, const QJsonValue &params, Callback done, ChunkCallback chunk = {})
    {
        const QString id = QString::number(++m_lastId);
        const QJsonObject request{{QStringLiteral("id"), id},
                                  {QStringLiteral("method"), method},
                                  {QStringLiteral("params"), params}};
        m_process.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
        m_pending.insert(id, std::move(done));
        if (chunk)
            m_chunks.insert(id, std::move(chunk));
    }

private:
    void readLines()
    {
        while (m_process.canReadLine()) {
            const QJsonDocument document = QJsonDocument::fromJson(m_process.readLine());
            const QJsonObject message = document.object();
            if (message.contains(QLatin1String("event"))) {
                if (message.value(QLatin1String("event")).toString() == QLatin1String("ready") && onReady)
                    onReady();
                continue;
            }
            const QString id = message.value(QLatin1String("id")).toString();
            if (message.value(QLatin1String("stream")).toBool()) {
                const auto it = m_chunks.constFind(id);
                if (it != m_chunks.constEnd())
                    (*it)(message.value(QLatin1String("data")));
                continue;
            }
            m_chunks.remove(id);
            const Callback callback = m_pending.take(id);
            if (callback)
                callback(message);
        }
    }

    QProcess m_process;
    QHash<QString, Callback> m_pending;
    QHash<QString, ChunkCallback> m_chunks;
    quint64 m_lastId = 0;
};

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

QJsonValue resultOf(const QJsonObject &response)
{
    if (!response.value(QLatin1String("success")).toBool())
        die(response.value(QLatin1String("error")).toString());
    return response.value(QLatin1String("result"));
}

QJsonValue call(Backend &backend, const QString &method, const QJsonValue &params)
{
    Waiter waiter;
    QJsonValue value;
    backend.send(method, params, [&](const QJsonObject &response) {
        value = resultOf(response);
        waiter.finish();
    });
    waiter.wait();
    return value;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    g_args = bench::parseArgs(argc, argv, DEMO_BACKEND_PATH);
    const bench::Args &args = g_args;
    bench::Result result(kClient, args);

    Backend backend;
    {
        Waiter waiter;
        backend.onReady = [&] { waiter.finish(); };
        backend.start(QString::fromStdString(args.backend));
        waiter.wait(10000);
    }

    const QJsonObject small{{QStringLiteral("s"), QString::fromStdString(bench::smallString())}};

    if (args.workload == "seq") {
        const long n = bench::seqCount(args), warm = bench::seqWarmup(), total = n + warm;
        std::vector<double> latencies;
        latencies.reserve(std::size_t(n));
        long i = 0;
        Waiter waiter;
        double start = 0, t0 = 0;
        std::function<void()> next = [&] {
            if (i == warm)
                start = bench::now();
            t0 = bench::now();
            backend.send(QStringLiteral("echo"), small, [&](const QJsonObject &response) {
                resultOf(response);
                if (i++ >= warm)
                    latencies.push_back(bench::now() - t0);
                if (i == total)
                    waiter.finish();
                else
                    next();
            });
        };
        next();
        waiter.wait();
        bench::addThroughput(result, n, bench::now() - start);
        bench::addLatencies(result, latencies);
    } else if (args.workload == "pipelined") {
        const long n = bench::pipelinedCount(args);
        long received = 0;
        Waiter waiter;
        const double t0 = bench::now();
        for (long i = 0; i < n; ++i) {
            backend.send(QStringLiteral("echo"), small, [&](const QJsonObject &response) {
                resultOf(response);
                if (++received == n)
                    waiter.finish();
            });
        }
        const double sent = bench::now();
        waiter.wait();
        bench::addThroughput(result, n, bench::now() - t0);
        result.add("send_seconds", sent - t0);
    } else if (args.workload == "stream") {
        const long n = bench::streamCount(args);
        long chunks = 0;
        Waiter waiter;
        const double t0 = bench::now();
        backend.send(
            QStringLiteral("count"), QJsonObject{{QStringLiteral("n"), qint64(n)}, {QStringLiteral("delayMs"), 0}},
            [&](const QJsonObject &response) {
                resultOf(response);
                waiter.finish();
            },
            [&](const QJsonValue &) { ++chunks; });
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
            const QJsonValue reply = call(backend, QStringLiteral("echo"), params);
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
        QObject context;
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
                const QJsonValue reply = call(backend, QStringLiteral("big"),
                                              QJsonObject{{QStringLiteral("bytes"), qint64(bench::kStallBytes)}});
                if (!reply.isString())
                    die(QStringLiteral("bad big reply"));
            }
            const double t1 = bench::now();
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
