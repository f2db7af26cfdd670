// Proves the C++ side of RustBridge's lifetime rules: it works without a
// JavaScript engine (no promises, no crash), handing out promises never changes
// the element's QML ownership, and pending promises are dropped safely when the
// engine dies before the element, or before the posted settlements run.
#include "qrustbridgeelement.h"

#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

class tst_QRustBridgeElement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void worksWithoutEngine();
    void promisesDoNotChangeOwnership();
    void engineDeletedBeforeElement();
    void engineDeletedBeforePostedSettlementsRun();

private:
    std::unique_ptr<QObject> create(QQmlEngine &engine, const QByteArray &extra = {});
    static QJSValue invoke(QObject *object, const char *method, const QString &name, const QJSValue &params);
};

void tst_QRustBridgeElement::init()
{
    QVERIFY2(QFileInfo::exists(QStringLiteral(DEMO_BACKEND_PATH)), "the Rust demo backend was not built");
}

std::unique_ptr<QObject> tst_QRustBridgeElement::create(QQmlEngine &engine, const QByteArray &extra)
{
    QQmlComponent component(&engine);
    component.setData("import QRustBridge\nRustBridge { searchSystemPath: false; binaryPath: \""
                          DEMO_BACKEND_PATH "\"\n" + extra + " }",
                      QUrl::fromLocalFile(QStringLiteral(TEST_SOURCE_DIR "/tst_inline.qml")));
    // A local-file URL keeps compilation synchronous (other schemes may load asynchronously).
    if (component.status() == QQmlComponent::Loading)
        (void)QTest::qWaitFor([&component] { return component.status() != QQmlComponent::Loading; }, 10000);
    std::unique_ptr<QObject> object(component.create());
    if (!object)
        qWarning().noquote() << component.status() << component.errorString();
    return object;
}

QJSValue tst_QRustBridgeElement::invoke(QObject *object, const char *method, const QString &name,
                                        const QJSValue &params)
{
    QJSValue result;
    const bool ok = QMetaObject::invokeMethod(object, method, Q_RETURN_ARG(QJSValue, result),
                                              Q_ARG(QString, name), Q_ARG(QJSValue, params));
    if (!ok)
        qWarning("invokeMethod(%s) failed", method);
    return result;
}

void tst_QRustBridgeElement::worksWithoutEngine()
{
    QRustBridgeElement element;
    element.setBinaryPath(QStringLiteral(DEMO_BACKEND_PATH));
    element.setSearchSystemPath(false);
    const QRegularExpression noEngine(QStringLiteral("not owned by a JavaScript engine"));
    QTest::ignoreMessage(QtWarningMsg, noEngine);
    QVERIFY(element.spawn().isUndefined());
    QTRY_VERIFY_WITH_TIMEOUT(element.isRunning(), 15000);
    QCOMPARE(element.state(), QRustBridgeElement::Running);
    QSignalSpy exited(&element, &QRustBridgeElement::exited);
    QTest::ignoreMessage(QtWarningMsg, noEngine);
    QTest::ignoreMessage(QtWarningMsg, noEngine);
    element.call(QStringLiteral("sleep"), QJSValue(1));
    element.kill();
    QTRY_COMPARE_WITH_TIMEOUT(element.state(), QRustBridgeElement::NotRunning, 10000);
    QTRY_COMPARE(exited.count(), 1);
}

void tst_QRustBridgeElement::promisesDoNotChangeOwnership()
{
    QQmlEngine engine;
    std::unique_ptr<QObject> element = create(engine);
    QVERIFY(element);
    const QQmlEngine::ObjectOwnership before = QQmlEngine::objectOwnership(element.get());
    QCOMPARE(before, QQmlEngine::CppOwnership);
    const QJSValue promise = invoke(element.get(), "call", QStringLiteral("echo"), QJSValue(1));
    QVERIFY(promise.isObject());
    QVERIFY(promise.property(QStringLiteral("cancel")).isCallable());
    QVERIFY(promise.property(QStringLiteral("then")).isCallable());
    QCOMPARE(QQmlEngine::objectOwnership(element.get()), before);
    engine.collectGarbage();
    QCoreApplication::processEvents();
    QCOMPARE(QQmlEngine::objectOwnership(element.get()), before);
}

void tst_QRustBridgeElement::engineDeletedBeforeElement()
{
    auto engine = std::make_unique<QQmlEngine>();
    std::unique_ptr<QObject> element = create(*engine, "autoStart: true");
    QVERIFY(element);
    auto *bridge = qobject_cast<QRustBridgeElement *>(element.get());
    QVERIFY(bridge);
    QTRY_VERIFY_WITH_TIMEOUT(bridge->isRunning(), 15000);
    const QJSValue pending = invoke(element.get(), "call", QStringLiteral("sleep"), QJSValue(10000));
    QVERIFY(pending.isObject());
    engine.reset();
    QCoreApplication::processEvents();
    QVERIFY(bridge->isRunning());
    element.reset();  // settles the pending call with no engine: dropped, no crash
    QCoreApplication::processEvents();
}

void tst_QRustBridgeElement::engineDeletedBeforePostedSettlementsRun()
{
    auto engine = std::make_unique<QQmlEngine>();
    std::unique_ptr<QObject> element = create(*engine, "autoStart: true");
    QVERIFY(element);
    auto *bridge = qobject_cast<QRustBridgeElement *>(element.get());
    QTRY_VERIFY_WITH_TIMEOUT(bridge->isRunning(), 15000);
    for (int i = 0; i < 5; ++i)
        invoke(element.get(), "call", QStringLiteral("sleep"), QJSValue(10000));
    element.reset();  // posts five rejections to the engine
    engine.reset();   // the engine goes first: the posted rejections are dropped
    QCoreApplication::processEvents();
}

QTEST_MAIN(tst_QRustBridgeElement)

#include "tst_qrustbridgeelement.moc"
