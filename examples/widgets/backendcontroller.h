#pragma once

#include <QRustBridge/QRustBridge>

#include <QtCore/QObject>

// Owns the bridge to the demo backend: finds it, starts it, restarts it.
// Everything else in the example talks to bridge() directly.
class BackendController : public QObject
{
    Q_OBJECT
public:
    // Where to look for demo-backend: explicitPath (may be empty), then
    // $QRUSTBRIDGE_DEMO_BACKEND, then the build tree, then the usual places.
    static QRustBridgeOptions demoBackendOptions(const QString &explicitPath);

    explicit BackendController(const QRustBridgeOptions &options, QObject *parent = nullptr);

    QRustBridge *bridge() const;

    // Spawns the backend; resolves true once it sent its ready event.
    QFuture<bool> start();
    // kill(), then spawn() again as soon as the old process is gone.
    QFuture<bool> restart();
    // "Running (pid 1234)", "Starting", ... for the status bar.
    QString stateText() const;

Q_SIGNALS:
    // Emitted after every start or restart attempt.
    void startFinished(bool ok);

private:
    QFuture<bool> reportStart(QFuture<bool> started);

    QRustBridge *m_bridge;
};
