// Used by tst_childdeath: spawns the backend given on the command line
// (`childdeath_parent <backend> [backend args...]`) through QRustBridge,
// prints the backend's pid (its answer to the `pid` method) on a line of
// its own, then idles until it is killed.
#include <QRustBridge/QRustBridge>

#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty()) {
        std::fputs("usage: childdeath_parent <backend> [args...]\n", stderr);
        return 2;
    }
    QRustBridgeOptions options;
    options.binaryPath = args.takeFirst();
    options.binaryName = QFileInfo(options.binaryPath).fileName();
    options.searchSystemPath = false;
    options.cliArgs = args;
    QRustBridge bridge(options);
    bridge.spawn().then(&app, [&bridge, &app](bool ready) {
        if (!ready) {
            std::fprintf(stderr, "spawn failed: %s\n", qPrintable(bridge.lastError().message()));
            app.exit(1);
            return;
        }
        bridge.sendCommand(QStringLiteral("pid")).then(&app, [](const QJsonValue &pid) {
            std::printf("%lld\n", static_cast<long long>(pid.toInteger()));
            std::fflush(stdout);
        });
    });
    return app.exec();
}
