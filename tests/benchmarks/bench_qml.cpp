// QML's `call()`, used the way a Qt Quick application uses it: a RustBridge
// element (import QRustBridge) whose promises are consumed with .then() in
// JavaScript on the GUI thread's event loop. This host only creates the
// QQmlEngine, loads bench_qml.qml and prints the result line; the workload
// itself is JavaScript in that file.
//
// Workloads: seq (each reply's .then sends the next call), pipelined (all
// calls sent at once, a counter in .then), stream (`stream()` with an onChunk
// callback). The others (echo, stall) are not measured through QML.

#include "benchcommon.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtCore/QVariantList>
#include <QtCore/QVariantMap>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>

#include <memory>

namespace {

const char *const kClient = "qml";
bench::Args g_args;

[[noreturn]] void die(const QString &why)
{
    bench::fail(kClient, g_args, why.toStdString());
}

} // namespace

// The object the QML file sees as `host`: the run's parameters, the clock all
// clients share, and the way back to the result line.
class BenchHost : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString workload READ workload CONSTANT)
    Q_PROPERTY(QString backend READ backend CONSTANT)
    Q_PROPERTY(double count READ count CONSTANT)
    Q_PROPERTY(double warmup READ warmup CONSTANT)
    Q_PROPERTY(double maxPayload READ maxPayload CONSTANT)
    Q_PROPERTY(QString small READ small CONSTANT)

public:
    explicit BenchHost(const bench::Args &args) : m_args(args), m_result(kClient, args) {}

    QString workload() const { return QString::fromStdString(m_args.workload); }
    QString backend() const { return QFileInfo(QString::fromStdString(m_args.backend)).absoluteFilePath(); }
    double count() const
    {
        if (m_args.workload == "seq")
            return double(bench::seqCount(m_args));
        if (m_args.workload == "pipelined")
            return double(bench::pipelinedCount(m_args));
        return double(bench::streamCount(m_args));
    }
    double warmup() const { return double(bench::seqWarmup()); }
    double maxPayload() const { return double(bench::kMaxPayload); }
    QString small() const { return QString::fromStdString(bench::smallString()); }

    Q_INVOKABLE double now() const { return bench::now(); }

    // `fields` holds ops and seconds (and optionally send_seconds);
    // `latencies` the per-request seconds of the seq workload.
    Q_INVOKABLE void finish(const QVariantMap &fields, const QVariantList &latencies)
    {
        bench::addThroughput(m_result, long(fields.value(QStringLiteral("ops")).toDouble()),
                             fields.value(QStringLiteral("seconds")).toDouble());
        if (fields.contains(QStringLiteral("send_seconds")))
            m_result.add("send_seconds", fields.value(QStringLiteral("send_seconds")).toDouble());
        if (!latencies.isEmpty()) {
            std::vector<double> seconds;
            seconds.reserve(std::size_t(latencies.size()));
            for (const QVariant &v : latencies)
                seconds.push_back(v.toDouble());
            bench::addLatencies(m_result, seconds);
        }
        m_result.add("hwm_kb", double(bench::peakRssKb()));
        m_result.print();
        // Leave the event loop before tearing down, so the bridge stops the
        // backend outside the measurement.
        QTimer::singleShot(0, qApp, &QCoreApplication::quit);
    }

    Q_INVOKABLE void fail(const QString &why) { die(why); }

private:
    bench::Args m_args;
    bench::Result m_result;
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    g_args = bench::parseArgs(argc, argv, DEMO_BACKEND_PATH);
    if (g_args.workload != "seq" && g_args.workload != "pipelined" && g_args.workload != "stream")
        die(QStringLiteral("workload not measured through QML: ") + QString::fromStdString(g_args.workload));

    BenchHost host(g_args);
    QQmlEngine engine;
    engine.addImportPath(QStringLiteral(BENCH_QML_IMPORT_PATH));
    engine.rootContext()->setContextProperty(QStringLiteral("host"), &host);
    QQmlComponent component(&engine, QUrl::fromLocalFile(QStringLiteral(BENCH_QML_FILE)));
    std::unique_ptr<QObject> root(component.create());
    if (!root)
        die(QStringLiteral("cannot load the QML file: ") + component.errorString());
    if (!QMetaObject::invokeMethod(root.get(), "start"))
        die(QStringLiteral("the QML file has no start()"));
    QTimer::singleShot(600000, &app, [] { die(QStringLiteral("timed out")); });
    app.exec();
    root.reset();  // stops the backend
    return 0;
}

#include "bench_qml.moc"
