// Uses the installed package: the convenience header, a bridge, a future.
#include <QRustBridge/QRustBridge>

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("surely-not-installed-backend");
    QRustBridge bridge(options);
    int exitCode = 2;
    bridge.spawn().then(&app, [&](bool ready) {
        // Missing binary: false, with a reason, never an exception.
        exitCode = (!ready && bridge.lastError().code() == QRustBridgeError::Code::BinaryNotFound) ? 0 : 1;
        app.quit();
    });
    QTimer::singleShot(10000, &app, &QCoreApplication::quit);
    app.exec();
    return exitCode;
}
