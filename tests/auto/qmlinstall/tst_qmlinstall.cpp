// Proves the installed QML module works on its own: after
// `cmake --install <build> --prefix <tmp>`, "import QRustBridge" loads from
// <tmp>/<qml dir> alone, every QRustBridge library is loaded from <tmp> (not
// from the build tree), and the installed element talks to the demo backend.
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtTest/QTest>

#include <memory>

class tst_QmlInstall : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void installTreeHasTheModule();
    void importLoadsFromThePrefixOnly();
    void installedElementTalksToTheBackend();

private:
    QString qmlDir() const { return m_prefix.filePath(QStringLiteral(INSTALL_QMLDIR)); }
    QString libDir() const { return m_prefix.filePath(QStringLiteral(INSTALL_LIBDIR)); }
    std::unique_ptr<QObject> create(QQmlEngine &engine, const QByteArray &qml);
    static QStringList loadedLibraries(const QString &nameFragment);

    QTemporaryDir m_prefix;
};

void tst_QmlInstall::initTestCase()
{
    QVERIFY(m_prefix.isValid());
    qunsetenv("QML_IMPORT_PATH");
    QProcess install;
    install.setProcessChannelMode(QProcess::MergedChannels);
    install.start(QStringLiteral(CMAKE_COMMAND_PATH),
                  {QStringLiteral("--install"), QStringLiteral(PROJECT_BUILD_DIR),
                   QStringLiteral("--prefix"), m_prefix.path()});
    QVERIFY(install.waitForFinished(180000));
    const QByteArray log = install.readAll();
    QVERIFY2(install.exitStatus() == QProcess::NormalExit && install.exitCode() == 0, log.constData());
}

void tst_QmlInstall::installTreeHasTheModule()
{
    const QDir module(qmlDir() + QStringLiteral("/QRustBridge"));
    QVERIFY2(module.exists(QStringLiteral("qmldir")), qPrintable(module.path()));
    QVERIFY(module.exists(QStringLiteral("QRustBridgeQml.qmltypes")));
    QVERIFY(module.exists(QStringLiteral("libQRustBridgeQmlPlugin.so")));
    QVERIFY(QFileInfo::exists(libDir() + QStringLiteral("/libQRustBridgeQml.so.0")));
    QVERIFY(QFileInfo::exists(libDir() + QStringLiteral("/libQRustBridge.so.0")));
    QFile qmldir(module.filePath(QStringLiteral("qmldir")));
    QVERIFY(qmldir.open(QIODevice::ReadOnly));
    const QByteArray text = qmldir.readAll();
    QVERIFY(text.contains("module QRustBridge"));
    QVERIFY(text.contains("plugin QRustBridgeQmlPlugin"));
}

std::unique_ptr<QObject> tst_QmlInstall::create(QQmlEngine &engine, const QByteArray &qml)
{
    QQmlComponent component(&engine);
    // A local-file URL keeps compilation synchronous (other schemes may load asynchronously).
    component.setData(qml, QUrl::fromLocalFile(m_prefix.filePath(QStringLiteral("tst_qmlinstall.qml"))));
    if (component.status() == QQmlComponent::Loading)
        (void)QTest::qWaitFor([&component] { return component.status() != QQmlComponent::Loading; }, 10000);
    std::unique_ptr<QObject> object(component.create());
    if (!object)
        qWarning().noquote() << component.status() << component.errorString();
    return object;
}

// Paths of the shared objects mapped into this process whose file name contains nameFragment.
QStringList tst_QmlInstall::loadedLibraries(const QString &nameFragment)
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly))
        return {};
    QStringList paths;
    const QList<QByteArray> lines = maps.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const int slash = line.indexOf('/');
        if (slash < 0)
            continue;
        const QString path = QString::fromLocal8Bit(line.mid(slash));
        if (QFileInfo(path).fileName().contains(nameFragment) && !paths.contains(path))
            paths.append(path);
    }
    return paths;
}

void tst_QmlInstall::importLoadsFromThePrefixOnly()
{
    QQmlEngine engine;
    engine.addImportPath(qmlDir());
    std::unique_ptr<QObject> object = create(engine, "import QRustBridge\nRustBridge {}\n");
    QVERIFY(object);
    QCOMPARE(object->metaObject()->className(), "QRustBridgeElement");
    QCOMPARE(object->property("running").toBool(), false);
    QCOMPARE(object->property("readyEventName").toString(), QStringLiteral("ready"));

    const QString prefix = QDir(m_prefix.path()).canonicalPath() + QLatin1Char('/');
    const QStringList libraries = loadedLibraries(QStringLiteral("libQRustBridge"));
    QCOMPARE(libraries.size(), 3);  // plugin, backing library, core library
    for (const QString &path : libraries)
        QVERIFY2(QFileInfo(path).canonicalFilePath().startsWith(prefix), qPrintable(path + QStringLiteral(" is outside ") + prefix));
}

void tst_QmlInstall::installedElementTalksToTheBackend()
{
    QVERIFY2(QFileInfo::exists(QStringLiteral(DEMO_BACKEND_PATH)), "the Rust demo backend was not built");
    QQmlEngine engine;
    engine.addImportPath(qmlDir());
    std::unique_ptr<QObject> object = create(engine, "import QRustBridge\n"
                                                     "RustBridge {\n"
                                                     "    property var sum\n"
                                                     "    binaryPath: \"" DEMO_BACKEND_PATH "\"\n"
                                                     "    searchSystemPath: false\n"
                                                     "    autoStart: true\n"
                                                     "    onReady: call(\"add\", {a: 2, b: 3}).then(r => sum = r)\n"
                                                     "}\n");
    QVERIFY(object);
    QTRY_COMPARE_WITH_TIMEOUT(object->property("sum").toInt(), 5, 15000);
}

QTEST_GUILESS_MAIN(tst_QmlInstall)

#include "tst_qmlinstall.moc"
