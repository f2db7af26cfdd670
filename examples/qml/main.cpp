// Minimal QML application using the RustBridge element (see Main.qml).
//   --smoke  runs a scripted session offscreen and exits 0 only if every step succeeded.
#include <QtCore/QCommandLineParser>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>

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
    parser.process(app);

    QString backend = qEnvironmentVariable("QRUSTBRIDGE_DEMO_BACKEND");
    if (backend.isEmpty())
        backend = QStringLiteral(DEMO_BACKEND_PATH);

    QQmlApplicationEngine engine;
    // Where "import QRustBridge" is found when running from the build tree;
    // an installed module is found through QML_IMPORT_PATH or Qt's own qml dir.
    engine.addImportPath(QStringLiteral(QRUSTBRIDGE_QML_IMPORT_DIR));
    engine.setInitialProperties({{QStringLiteral("backendPath"), backend},
                                 {QStringLiteral("smoke"), smoke}});
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreated, &app,
                     [](QObject *object, const QUrl &) {
                         if (!object)
                             QCoreApplication::exit(3);
                     }, Qt::QueuedConnection);
    if (smoke) {
        QTimer::singleShot(60000, &app, [] {
            qCritical("smoke: the scripted session did not finish within 60 s");
            QCoreApplication::exit(2);
        });
    }
    engine.load(QUrl(QStringLiteral("qrc:/qrustbridge-example/Main.qml")));
    return app.exec();
}
