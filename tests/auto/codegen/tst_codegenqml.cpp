// The QML client generated with --qml (Shapes::Client from
// descriptions/shapes.json) in a QQmlEngine, against the fake backend
// (echo) and the demo backend (the count stream).
#include "empty_qml_commands.h"
#include "shapes_qml_commands.h"

#include "../../shared/testsupport.h"

#include <QtCore/QJsonDocument>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtTest/QtTest>

#include <memory>

namespace {

// A RustBridge, a Client on it, and run(): spawn, call, and put the outcome
// as JSON text into `outcome` ({"ok": true, "value": ...} or the error).
const char qmlSource[] = R"(

import QRustBridge
import ShapesClient

// The client is the root: this test has no QtQml module to take QtObject from.
Client {
    id: root
    property string outcome
    property var chunks: []
    property RustBridge backend: RustBridge {
        binaryName: "%1"
        binaryPath: "%2"
        searchSystemPath: false
        cliArgs: []
    }
    bridge: backend

    function settle(promise) {
        promise.then(function (value) { root.outcome = JSON.stringify({ok: true, value: value}); },
                     function (error) {
                         root.outcome = JSON.stringify({ok: false, code: error.code, message: error.message});
                     });
    }
    function run(call) {
        root.backend.spawn().then(function (ok) { settle(call()); });
    }
    function echoJson(text) { run(function () { return root.echo(JSON.parse(text)); }); }
    function countTo(n) {
        run(function () {
            return root.count({n: n}, function (chunk) { root.chunks.push(chunk.i); });
        });
    }
    function withoutBridge() { root.bridge = null; settle(root.echo({})); }
    function wrongBridge() { root.bridge = root; settle(root.signals_(1)); }
}
)";

} // namespace

class TestCodegenQml : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void echoTakesAndGivesCamelCaseProperties();
    void badParamsRejectNamingTheField();
    void streamingChunksAndResult();
    void noBridgeRejects();
    void bridgeThatIsNoRustBridgeRejects();
    void enumsAreRegistered();
    void emptyDescription();

private:
    // The root object of qmlSource for the backend `name` at `path`, or null.
    QObject *create(const QString &name, const QString &path);
    // Waits for `outcome` and returns it parsed; {} after 15 s without one.
    QJsonObject outcome(QObject *root);

    QQmlEngine m_engine;
    std::unique_ptr<QObject> m_root;
};

void TestCodegenQml::initTestCase()
{
    m_engine.addImportPath(QStringLiteral(QML_BUILD_DIR));
    Shapes::registerQmlTypes("ShapesClient");
}

QObject *TestCodegenQml::create(const QString &name, const QString &path)
{
    m_root.reset();
    QQmlComponent component(&m_engine);
    component.setData(QString::fromUtf8(qmlSource).arg(name, path).toUtf8(), QUrl(QStringLiteral("inline.qml")));
    m_root.reset(component.create());
    if (!m_root)
        qWarning().noquote() << component.errorString();
    return m_root.get();
}

QJsonObject TestCodegenQml::outcome(QObject *root)
{
    // Empty (and the test's checks fail) if nothing settles in time.
    if (!QTest::qWaitFor([root] { return !root->property("outcome").toString().isEmpty(); }, 15000))
        return QJsonObject();
    return QJsonDocument::fromJson(root->property("outcome").toString().toUtf8()).object();
}

void TestCodegenQml::echoTakesAndGivesCamelCaseProperties()
{
    QObject *root = create(QStringLiteral("fakebackend"), QStringLiteral(FAKE_BACKEND_PATH));
    QVERIFY(root);
    // Params in the C++ property names; the fake backend echoes the wire JSON,
    // so the result shows both conversions.
    const char params[] = R"({
        "flag": true, "text": "t", "small": 1, "medium": 2, "big": 3, "unsignedBig": 4, "ratio": 0.5,
        "anything": {"raw_key": 1}, "maybeText": "m", "nestedLists": [[1]], "mapOfLists": {"k": ["dark_red"]},
        "color": "class", "shapes": [{"kind": "circle", "circle": {"radius": 1}}, {"kind": "empty"}],
        "tuple": [1, "x"], "empty": {}, "internal": {"kind": "point"},
        "keywords": {"class_": 1, "signals_": 2, "emit_": 3, "foreach_": 4, "qObject": 5, "staticMetaObject_": 6,
                     "maxResults": 7, "maxResults_": 8, "_2nd": 9, "firstName": "Ada", "keywords": 10}
    })";
    QVERIFY(QMetaObject::invokeMethod(root, "echoJson", Q_ARG(QVariant, QString::fromUtf8(params))));
    const QJsonObject result = outcome(root);
    QVERIFY2(result.value(QStringLiteral("ok")).toBool(), qPrintable(result.value(QStringLiteral("message")).toString()));
    const QJsonObject value = result.value(QStringLiteral("value")).toObject();
    // Same names as given, none of the wire's (the JSON keys were used in between).
    QJsonObject expected = QJsonDocument::fromJson(QByteArray(params)).object();
    QCOMPARE(value, expected);
    QVERIFY(!value.contains(QStringLiteral("unsigned_big")));
    QCOMPARE(value.value(QStringLiteral("keywords")).toObject().value(QStringLiteral("firstName")),
             QJsonValue(QStringLiteral("Ada")));
}

void TestCodegenQml::badParamsRejectNamingTheField()
{
    QObject *root = create(QStringLiteral("fakebackend"), QStringLiteral(FAKE_BACKEND_PATH));
    QVERIFY(root);
    QVERIFY(QMetaObject::invokeMethod(root, "echoJson", Q_ARG(QVariant, QStringLiteral(R"({"flag": 1})"))));
    QJsonObject result = outcome(root);
    QVERIFY(!result.value(QStringLiteral("ok")).toBool());
    QCOMPARE(result.value(QStringLiteral("code")).toString(), QStringLiteral("ProtocolError"));
    QCOMPARE(result.value(QStringLiteral("message")).toString(), QStringLiteral("params.flag: expected a boolean, got number"));

    // The wire name is not the QML name.
    root->setProperty("outcome", QString());
    QVERIFY(QMetaObject::invokeMethod(root, "echoJson", Q_ARG(QVariant, QStringLiteral(R"({"flag": true, "text": "", "small": 0,
        "medium": 0, "big": 0, "unsigned_big": 0})"))));
    result = outcome(root);
    QCOMPARE(result.value(QStringLiteral("message")).toString(), QStringLiteral("params.unsignedBig: required field is missing"));
}

void TestCodegenQml::streamingChunksAndResult()
{
    QRB_VERIFY_DEMO_BACKEND();
    QObject *root = create(QStringLiteral("demo-backend"), QStringLiteral(DEMO_BACKEND_PATH));
    QVERIFY(root);
    QVERIFY(QMetaObject::invokeMethod(root, "countTo", Q_ARG(QVariant, 3)));
    const QJsonObject result = outcome(root);
    QVERIFY2(result.value(QStringLiteral("ok")).toBool(), qPrintable(result.value(QStringLiteral("message")).toString()));
    QCOMPARE(result.value(QStringLiteral("value")).toObject(), QJsonObject({{QStringLiteral("count"), 3}}));
    const QVariantList chunks = root->property("chunks").value<QJSValue>().toVariant().toList();
    QCOMPARE(chunks, (QVariantList{0, 1, 2}));
}

void TestCodegenQml::noBridgeRejects()
{
    QObject *root = create(QStringLiteral("fakebackend"), QStringLiteral(FAKE_BACKEND_PATH));
    QVERIFY(root);
    QVERIFY(QMetaObject::invokeMethod(root, "withoutBridge"));
    const QJsonObject result = outcome(root);
    QCOMPARE(result.value(QStringLiteral("code")).toString(), QStringLiteral("NotRunning"));
    QCOMPARE(result.value(QStringLiteral("message")).toString(), QStringLiteral("echo: the client has no bridge"));
}

void TestCodegenQml::bridgeThatIsNoRustBridgeRejects()
{
    QObject *root = create(QStringLiteral("fakebackend"), QStringLiteral(FAKE_BACKEND_PATH));
    QVERIFY(root);
    QVERIFY(QMetaObject::invokeMethod(root, "wrongBridge"));
    const QJsonObject result = outcome(root);
    QCOMPARE(result.value(QStringLiteral("code")).toString(), QStringLiteral("NotRunning"));
    QCOMPARE(result.value(QStringLiteral("message")).toString(),
             QStringLiteral("signals: the client's bridge is not a RustBridge"));
}

void TestCodegenQml::enumsAreRegistered()
{
    QQmlComponent component(&m_engine);
    component.setData(QByteArrayLiteral("import ShapesClient\n"
                                        "Client { property int red: Shapes.DarkRed; property int cls: Shapes.Class }"),
                      QUrl(QStringLiteral("enums.qml")));
    std::unique_ptr<QObject> object(component.create());
    QVERIFY2(object, qPrintable(component.errorString()));
    QCOMPARE(object->property("red").toInt(), int(Shapes::Color::DarkRed));
    QCOMPARE(object->property("cls").toInt(), int(Shapes::Color::Class));
}

void TestCodegenQml::emptyDescription()
{
    QCOMPARE(QString::fromLatin1(Nothing::schema), QStringLiteral("0000000000000000"));
    Nothing::Client client;
    QCOMPARE(client.metaObject()->methodCount(), Nothing::Client::staticMetaObject.methodOffset() + 1); // bridgeChanged
}

QTEST_MAIN(TestCodegenQml)
#include "tst_codegenqml.moc"
