#include "backendcontroller.h"

#include "demo_commands.h" // generated from demo-backend --describe (CMakeLists.txt)

#include <QtCore/QFileInfo>
#include <QtCore/QPromise>
#include <QtCore/QTimer>

#include <memory>

QRustBridgeOptions BackendController::demoBackendOptions(const QString &explicitPath)
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    // A path from the command line means the working directory; the library
    // never resolves against it by itself, so make it absolute here.
    if (!explicitPath.isEmpty())
        options.binaryPath = QFileInfo(explicitPath).absoluteFilePath();
    options.envVarName = QStringLiteral("QRUSTBRIDGE_DEMO_BACKEND");
#ifdef DEMO_BACKEND_DIR
    options.localPaths << QStringLiteral(DEMO_BACKEND_DIR);
#endif
    // End-to-end cancel: the demo backend understands "$/cancel".
    options.cancelMethod = QStringLiteral("$/cancel");
    options.requestTimeoutMs = 60000;
    // The 50 MiB reply is 50 MiB of payload plus its JSON envelope: above the
    // default limit, which counts the whole line.
    options.maxPayloadSize = 64 * 1024 * 1024;
    // A backend changed since demo_commands.h was generated is logged.
    Demo::expectSchema(options);
    return options;
}

BackendController::BackendController(const QRustBridgeOptions &options, QObject *parent)
    : QObject(parent)
    , m_bridge(new QRustBridge(options, this))
{
}

QRustBridge *BackendController::bridge() const
{
    return m_bridge;
}

QFuture<bool> BackendController::start()
{
    return reportStart(m_bridge->spawn());
}

QFuture<bool> BackendController::restart()
{
    if (m_bridge->state() == QRustBridge::State::NotRunning)
        return start();

    // kill() is asynchronous: spawn again once the bridge reports NotRunning.
    auto promise = std::make_shared<QPromise<bool>>();
    promise->start();
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(m_bridge, &QRustBridge::stateChanged, this, [this, promise, connection](QRustBridge::State state) {
        if (state != QRustBridge::State::NotRunning)
            return;
        disconnect(*connection);
        // Queued: spawn from a clean stack, not from inside the bridge's own signal.
        QTimer::singleShot(0, this, [this, promise] {
            start().then(this, [promise](bool ok) {
                promise->addResult(ok);
                promise->finish();
            });
        });
    });
    m_bridge->kill();
    return promise->future();
}

QString BackendController::stateText() const
{
    switch (m_bridge->state()) {
    case QRustBridge::State::NotRunning:
        return tr("Not running");
    case QRustBridge::State::Starting:
        return tr("Starting");
    case QRustBridge::State::Running:
        return m_bridge->processId() ? tr("Running (pid %1)").arg(m_bridge->processId()) : tr("Running");
    case QRustBridge::State::Reconnecting:
        return tr("Reconnecting");
    case QRustBridge::State::Stopping:
        return tr("Stopping");
    }
    return QString();
}

QFuture<bool> BackendController::reportStart(QFuture<bool> started)
{
    return started.then(this, [this](bool ok) {
        Q_EMIT startFinished(ok);
        return ok;
    });
}
