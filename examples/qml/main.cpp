// Minimal QML application using the RustBridge element (see Main.qml).
//   --smoke         runs a scripted session offscreen and exits 0 only if every step succeeded.
//   --screenshot F  the same session with the window on screen, then saves the window to F (PNG).
#include "demo_commands.h" // generated: qrustbridge_generate_commands(... QML)

#include <QtCore/QCommandLineParser>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuick/QQuickWindow>

#include <cstring>

int main(int argc, char *argv[])
{
    // Decided before the application object exists: the platform plugin is chosen then.
    bool smoke = false;
    for (int i = 1; i < argc; ++i)
        smoke = smoke || std::strcmp(argv[i], "--smoke") == 0;
    if (smoke && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("QRustBridge QML example"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("smoke"), QStringLiteral("Run a scripted session offscreen; exit 0 on success.")});
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Run the scripted session on screen, then save the window as a PNG."),
                                              QStringLiteral("file"));
    parser.addOption(screenshotOption);
    parser.process(app);
    const QString screenshotFile = parser.value(screenshotOption);
    const bool scripted = smoke || !screenshotFile.isEmpty();

    QString backend = qEnvironmentVariable("QRUSTBRIDGE_DEMO_BACKEND");
    if (backend.isEmpty())
        backend = QStringLiteral(DEMO_BACKEND_PATH);

    // `import DemoCommands` gives Main.qml the typed Client of the demo backend.
    Demo::registerQmlTypes("DemoCommands");
    QQmlApplicationEngine engine;
    // Where "import QRustBridge" is found when running from the build tree;
    // an installed module is found through QML_IMPORT_PATH or Qt's own qml dir.
    engine.addImportPath(QStringLiteral(QRUSTBRIDGE_QML_IMPORT_DIR));
    engine.setInitialProperties({{QStringLiteral("backendPath"), backend},
                                 {QStringLiteral("smoke"), scripted}});
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreated, &app,
                     [](QObject *object, const QUrl &) {
                         if (!object)
                             QCoreApplication::exit(3);
                     }, Qt::QueuedConnection);
    if (!screenshotFile.isEmpty()) {
        // The session ends with Qt.exit(code); QQmlApplicationEngine quits on
        // it through a queued connection, so this direct one grabs the window
        // first, with the session's log in it.
        QObject::connect(&engine, &QQmlEngine::exit, &app, [&engine, screenshotFile](int code) {
            auto *window = engine.rootObjects().isEmpty()
                ? nullptr : qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
            const bool saved = code == 0 && window && window->grabWindow().save(screenshotFile, "PNG");
            qInfo("%s %s", saved ? "saved" : "could not save", qPrintable(screenshotFile));
            if (!saved)
                QCoreApplication::exit(4);
        });
    }
    if (scripted) {
        QTimer::singleShot(60000, &app, [] {
            qCritical("smoke: the scripted session did not finish within 60 s");
            QCoreApplication::exit(2);
        });
    }
    engine.load(QUrl(QStringLiteral("qrc:/qrustbridge-example/Main.qml")));
    return app.exec();
}
