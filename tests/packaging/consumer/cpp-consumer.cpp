// Spawns backend.sh through the packaged library and round-trips a request.
#include <QtCore/QCoreApplication>
#include <QtCore/QJsonObject>
#include <QtCore/QTimer>
#include <QRustBridge/QRustBridge>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: cpp-consumer <backend>\n");
        return 2;
    }
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("backend");
    options.binaryPath = QString::fromLocal8Bit(argv[1]);
    QRustBridge bridge(options);
    QTimer::singleShot(20000, &app, [] { std::fprintf(stderr, "cpp-consumer: timeout\n"); QCoreApplication::exit(3); });
    bridge.spawn().then(&app, [&bridge, &app](bool ok) {
        if (!ok) {
            std::fprintf(stderr, "cpp-consumer: spawn failed: %s\n", qPrintable(bridge.lastError().message()));
            app.exit(1);
            return;
        }
        bridge.sendCommand(QStringLiteral("ping"), QJsonObject{{QStringLiteral("n"), 1}})
            .then(&app, [&app](const QJsonValue &result) {
                const bool good = result.toObject().value(QStringLiteral("pong")).toBool()
                    && result.toObject().value(QStringLiteral("method")).toString() == QStringLiteral("ping");
                std::printf("cpp-consumer: %s\n", good ? "ok" : "wrong result");
                app.exit(good ? 0 : 1);
            })
            .onFailed(&app, [&app](const QRustBridgeError &error) {
                std::fprintf(stderr, "cpp-consumer: request failed: %s\n", qPrintable(error.message()));
                app.exit(1);
            });
    });
    return app.exec();
}
