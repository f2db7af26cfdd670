// Loads consumer.qml, which imports the packaged QML module QRustBridge from
// Qt's default import path, and exits with the code the QML side chose.
#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>

#include <cstdio>
#include <memory>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: qml-consumer <backend>\n");
        return 2;
    }
    QQmlEngine engine;
    QObject::connect(&engine, &QQmlEngine::exit, &app, &QCoreApplication::exit);
    QQmlComponent component(&engine, QUrl::fromLocalFile(QStringLiteral(CONSUMER_QML)));
    if (component.isError()) {
        std::fprintf(stderr, "qml-consumer: %s\n", qPrintable(component.errorString()));
        return 1;
    }
    std::unique_ptr<QObject> root(component.createWithInitialProperties(
        {{QStringLiteral("backendPath"), QString::fromLocal8Bit(argv[1])}}));
    if (!root) {
        std::fprintf(stderr, "qml-consumer: %s\n", qPrintable(component.errorString()));
        return 1;
    }
    QMetaObject::invokeMethod(root.get(), "run");
    QTimer::singleShot(20000, &app, [] { std::fprintf(stderr, "qml-consumer: timeout\n"); QCoreApplication::exit(3); });
    return app.exec();
}
