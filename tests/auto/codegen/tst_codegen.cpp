// Tests of qrustbridge-codegen through the headers it generated at build
// time from descriptions/*.json (tests/auto/codegen/CMakeLists.txt), and of
// the tool's error messages (run as a process).
#include "demo_commands.h"
#include "nested_commands.h"
#include "shapes_commands.h"

#include "../../shared/testsupport.h"
#include "identifierscope.h"
#include "namingpolicy.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QMetaProperty>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <type_traits>

using namespace Shapes;

namespace {

QJsonObject object(const char *json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return document.object();
}

QJsonValue value(const char *json)
{
    // Any JSON value, wrapped so that QJsonDocument parses scalars too.
    const QByteArray wrapped = QByteArray("[") + json + "]";
    return QJsonDocument::fromJson(wrapped).array().at(0);
}

template <typename T>
QString errorReading(const QJsonValue &json)
{
    try {
        qRustFromJson<T>(json, QStringLiteral("result"));
    } catch (const QRustBridgeError &error) {
        return error.message();
    }
    return QStringLiteral("(no error)");
}

QStringList latin1List(std::initializer_list<const char *> names)
{
    QStringList list;
    for (const char *name : names)
        list.append(QString::fromLatin1(name));
    return list;
}

QStringList propertyNames(const QMetaObject &metaObject)
{
    QStringList names;
    for (int i = metaObject.propertyOffset(); i < metaObject.propertyCount(); ++i)
        names.append(QString::fromLatin1(metaObject.property(i).name()));
    return names;
}

Everything sampleEverything()
{
    Everything value;
    value.flag = true;
    value.text = QStringLiteral("hello");
    value.small = -5;
    value.medium = 123456;
    value.big = Q_INT64_C(-9007199254740993);
    value.unsignedBig = Q_UINT64_C(9007199254740993);
    value.ratio = 0.25;
    value.anything = QJsonObject{{QStringLiteral("free"), QJsonArray{1, QStringLiteral("form")}}};
    value.maybeText = QStringLiteral("present");
    value.nestedLists = {{1, 2}, {}, {3}};
    value.mapOfLists = {{QStringLiteral("warm"), {Color::DarkRed}}, {QStringLiteral("odd"), {Color::Class, Color::Green}}};
    value.color = Color::Green;
    Shape circle;
    circle.kind = Shape::Kind::Circle;
    circle.circle = ShapeCircle{2.5};
    Shape label;
    label.kind = Shape::Kind::Label;
    label.label = QStringLiteral("tag");
    Shape empty;
    empty.kind = Shape::Kind::Empty;
    value.shapes = {circle, label, empty};
    value.tuple = QJsonArray{7, QStringLiteral("seven")};
    Tree leaf;
    leaf.name = QStringLiteral("leaf");
    Tree root;
    root.name = QStringLiteral("root");
    root.children = {leaf};
    value.tree = root;
    value.keywords.class_ = 1;
    value.keywords.signals_ = 2;
    value.keywords.emit_ = 3;
    value.keywords.foreach_ = 4;
    value.keywords.qObject = 5;
    value.keywords.staticMetaObject_ = 6;
    value.keywords.maxResults = 7;
    value.keywords.maxResults_ = 8;
    value.keywords._2nd = 9;
    value.keywords.firstName = QStringLiteral("Ada");
    value.keywords.keywords = 10;
    return value;
}

// The wire JSON of sampleEverything(), keys exactly as the description has them.
const char everythingJson[] = R"({
    "flag": true, "text": "hello", "small": -5, "medium": 123456,
    "big": -9007199254740993, "unsigned_big": 9007199254740993, "ratio": 0.25,
    "anything": {"free": [1, "form"]},
    "maybe_text": "present",
    "nested_lists": [[1, 2], [], [3]],
    "map_of_lists": {"warm": ["dark_red"], "odd": ["class", "GREEN"]},
    "color": "GREEN",
    "shapes": [{"circle": {"radius": 2.5}}, {"label": "tag"}, "empty"],
    "tuple": [7, "seven"],
    "empty": {},
    "tree": {"name": "root", "children": [{"name": "leaf", "children": []}]},
    "keywords": {"class": 1, "signals": 2, "emit": 3, "foreach": 4, "Q_OBJECT": 5,
                 "staticMetaObject": 6, "max_results": 7, "maxResults": 8, "2nd": 9,
                 "first name": "Ada", "Keywords": 10}
})";

struct ToolRun
{
    int exitCode = -1;
    QString errors;
    QByteArray output;
};

ToolRun runTool(const QStringList &arguments, const QByteArray &input = QByteArray())
{
    QProcess tool;
    tool.start(QStringLiteral(CODEGEN_PATH), arguments);
    if (!input.isEmpty() || arguments.contains(QStringLiteral("-"))) {
        tool.write(input);
        tool.closeWriteChannel();
    }
    ToolRun run;
    if (!tool.waitForFinished(30000))
        return run;
    run.exitCode = tool.exitStatus() == QProcess::NormalExit ? tool.exitCode() : -1;
    run.errors = QString::fromUtf8(tool.readAllStandardError());
    run.output = tool.readAllStandardOutput();
    return run;
}

// "echo" declared with a result type the echoed params do not fit.
struct EchoAsCount
{
    static constexpr auto method = "echo";
    using Params = Acme::Nested::Client_;
    using Result = CountResult;
};

} // namespace

class TestCodegen : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void structRoundTripKeepsJsonKeys();
    void optionalFieldsMayBeAbsentOrNull();
    void requiredFieldMissingNamesThePath();
    void enumsUseTheDescribedNames();
    void unionTaggings_data();
    void unionTaggings();
    void unionErrors_data();
    void unionErrors();
    void nestedErrorPaths();
    void metaObjectPropertiesAreCamelCase();
    void clashingNamesGetATrailingUnderscore();
    void commandStructs();
    void schemaAndExpectSchema();
    void nestedNamespace();
    void sendEchoThroughFakeBackend();
    void streamCountFromDemoBackend();
    void demoDescriptionAgainstDemoBackend();
    void namingRules_data();
    void namingRules();
    void identifierScopeAppendsUnderscores();
    void toolErrors_data();
    void toolErrors();
    void toolReadsStdinAndKeepsUnchangedOutput();
    void toolUsageErrors();
};

void TestCodegen::structRoundTripKeepsJsonKeys()
{
    const Everything value = sampleEverything();
    const QJsonObject expected = object(everythingJson);
    const QJsonValue written = qRustToJson(value);
    QCOMPARE(written.toObject(), expected);
    QCOMPARE(written.toObject().keys(), expected.keys());
    const Everything read = qRustFromJson<Everything>(expected);
    QVERIFY(read == value);
    QCOMPARE(read.big, Q_INT64_C(-9007199254740993));
    QCOMPARE(read.keywords.firstName, QStringLiteral("Ada"));
    QCOMPARE(read.tree->children.size(), 1);
    QCOMPARE(read.tree->children.first().name, QStringLiteral("leaf"));
}

void TestCodegen::optionalFieldsMayBeAbsentOrNull()
{
    QJsonObject json = object(everythingJson);
    json.remove(QStringLiteral("maybe_text"));
    json.remove(QStringLiteral("tree"));
    Everything read = qRustFromJson<Everything>(json);
    QVERIFY(!read.maybeText.has_value());
    QVERIFY(!read.tree.has_value());
    QVERIFY(!read.defaultedCount.has_value());
    QVERIFY(!read.unit.has_value());

    json.insert(QStringLiteral("maybe_text"), QJsonValue::Null);
    json.insert(QStringLiteral("defaulted_count"), 12);
    read = qRustFromJson<Everything>(json);
    QVERIFY(!read.maybeText.has_value());
    QCOMPARE(read.defaultedCount, std::optional<uint>(12));

    // std::nullopt leaves the key out, so the backend's default applies.
    Everything value = sampleEverything();
    value.maybeText.reset();
    value.tree.reset();
    const QJsonObject written = qRustToJson(value).toObject();
    QVERIFY(!written.contains(QStringLiteral("maybe_text")));
    QVERIFY(!written.contains(QStringLiteral("tree")));
    QVERIFY(!written.contains(QStringLiteral("defaulted_count")));
    value.defaultedCount = 0;
    QCOMPARE(qRustToJson(value).toObject().value(QStringLiteral("defaulted_count")), QJsonValue(0));

    CountParams params;
    params.n = 3;
    QCOMPARE(qRustToJson(params).toObject(), object(R"({"n": 3})"));
    params.delayMs = 10;
    QCOMPARE(qRustToJson(params).toObject(), object(R"({"n": 3, "delay_ms": 10})"));
}

void TestCodegen::requiredFieldMissingNamesThePath()
{
    QJsonObject json = object(everythingJson);
    json.remove(QStringLiteral("unsigned_big"));
    QCOMPARE(errorReading<Everything>(json), QStringLiteral("result.unsigned_big: required field is missing"));

    json = object(everythingJson);
    QJsonObject keywords = json.value(QStringLiteral("keywords")).toObject();
    keywords.remove(QStringLiteral("first name"));
    json.insert(QStringLiteral("keywords"), keywords);
    QCOMPARE(errorReading<Everything>(json), QStringLiteral("result.keywords[\"first name\"]: required field is missing"));
    QCOMPARE(errorReading<Everything>(QJsonValue(3)), QStringLiteral("result: expected an object, got number"));
}

void TestCodegen::enumsUseTheDescribedNames()
{
    QCOMPARE(qRustToJson(Color::DarkRed), QJsonValue(QStringLiteral("dark_red")));
    QCOMPARE(qRustToJson(Color::Green), QJsonValue(QStringLiteral("GREEN")));
    QCOMPARE(qRustToJson(Color::Class), QJsonValue(QStringLiteral("class")));
    QCOMPARE(qRustToJson(Color::Meraude), QJsonValue(QString::fromUtf8("\xc3\xa9meraude")));
    QCOMPARE(qRustFromJson<Color>(QJsonValue(QString::fromUtf8("\xc3\xa9meraude"))), Color::Meraude);
    QCOMPARE(qRustFromJson<Color>(QJsonValue(QStringLiteral("class"))), Color::Class);
    // The C++ enumerator name is not a JSON name.
    QCOMPARE(errorReading<Color>(QJsonValue(QStringLiteral("DarkRed"))),
             QString::fromUtf8("result: \"DarkRed\" is not one of \"dark_red\", \"GREEN\", \"class\", \"\xc3\xa9meraude\""));
    QCOMPARE(errorReading<Color>(QJsonValue(1)), QStringLiteral("result: expected a string, got number"));
    // Q_ENUM_NS: the namespace's meta-object knows the enum by its C++ names.
    const QMetaEnum metaEnum = QMetaEnum::fromType<Color>();
    QCOMPARE(QString::fromLatin1(metaEnum.name()), QStringLiteral("Color"));
    QCOMPARE(QString::fromLatin1(metaEnum.valueToKey(int(Color::DarkRed))), QStringLiteral("DarkRed"));
    QCOMPARE(QString::fromLatin1(Shapes::staticMetaObject.className()), QStringLiteral("Shapes"));
}

void TestCodegen::unionTaggings_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("kind");

    QTest::newRow("external struct") << QStringLiteral("Shape") << QStringLiteral(R"({"circle": {"radius": 1.5}})") << QStringLiteral("Circle");
    QTest::newRow("external newtype") << QStringLiteral("Shape") << QStringLiteral(R"({"label": "x"})") << QStringLiteral("Label");
    QTest::newRow("external unit") << QStringLiteral("Shape") << QStringLiteral(R"("empty")") << QStringLiteral("Empty");
    QTest::newRow("internal struct") << QStringLiteral("Internal") << QStringLiteral(R"({"type": "circle", "radius": 1.5})") << QStringLiteral("Circle");
    QTest::newRow("internal unit") << QStringLiteral("Internal") << QStringLiteral(R"({"type": "point"})") << QStringLiteral("Point");
    QTest::newRow("internal newtype") << QStringLiteral("Internal") << QStringLiteral(R"({"type": "boxed", "count": 4})") << QStringLiteral("Boxed");
    QTest::newRow("adjacent newtype") << QStringLiteral("Adjacent") << QStringLiteral(R"({"t": "num", "c": 42})") << QStringLiteral("Num");
    QTest::newRow("adjacent struct") << QStringLiteral("Adjacent") << QStringLiteral(R"({"t": "pair", "c": {"a": "x"}})") << QStringLiteral("Pair");
    QTest::newRow("adjacent unit") << QStringLiteral("Adjacent") << QStringLiteral(R"({"t": "nothing"})") << QStringLiteral("Nothing");
    QTest::newRow("untagged number") << QStringLiteral("Untagged") << QStringLiteral("5") << QStringLiteral("Number");
    QTest::newRow("untagged word") << QStringLiteral("Untagged") << QStringLiteral(R"("five")") << QStringLiteral("Word");
    QTest::newRow("untagged struct") << QStringLiteral("Untagged") << QStringLiteral(R"({"name": "n"})") << QStringLiteral("Named");
    QTest::newRow("untagged unit") << QStringLiteral("Untagged") << QStringLiteral("null") << QStringLiteral("None");
}

void TestCodegen::unionTaggings()
{
    QFETCH(QString, type);
    QFETCH(QString, json);
    QFETCH(QString, kind);
    const QJsonValue wire = value(json.toUtf8().constData());

    // Read, check the kind and the payload, write back: the same JSON.
    auto check = [&](auto read, const QMetaObject &metaObject) {
        const QMetaEnum kinds = metaObject.enumerator(metaObject.indexOfEnumerator("Kind"));
        QCOMPARE(QString::fromLatin1(kinds.valueToKey(int(read.kind))), kind);
        QCOMPARE(qRustToJson(read), wire);
    };
    if (type == QLatin1String("Shape")) {
        const Shape read = qRustFromJson<Shape>(wire);
        check(read, Shape::staticMetaObject);
        if (read.kind == Shape::Kind::Circle)
            QCOMPARE(read.circle->radius, 1.5);
        if (read.kind == Shape::Kind::Label)
            QCOMPARE(*read.label, QStringLiteral("x"));
    } else if (type == QLatin1String("Internal")) {
        const Internal read = qRustFromJson<Internal>(wire);
        check(read, Internal::staticMetaObject);
        if (read.kind == Internal::Kind::Boxed)
            QCOMPARE(read.boxed->count, quint64(4));
    } else if (type == QLatin1String("Adjacent")) {
        const Adjacent read = qRustFromJson<Adjacent>(wire);
        check(read, Adjacent::staticMetaObject);
        if (read.kind == Adjacent::Kind::Num)
            QCOMPARE(*read.num, qint64(42));
        if (read.kind == Adjacent::Kind::Pair)
            QCOMPARE(read.pair->a, QStringLiteral("x"));
    } else {
        const Untagged read = qRustFromJson<Untagged>(wire);
        check(read, Untagged::staticMetaObject);
        if (read.kind == Untagged::Kind::Named)
            QCOMPARE(read.named->name, QStringLiteral("n"));
    }
}

void TestCodegen::unionErrors_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("message");

    QTest::newRow("external unknown") << QStringLiteral("Shape") << QStringLiteral(R"("square")")
                                      << QStringLiteral(R"(result: "square" is not one of "circle", "label", "empty")");
    QTest::newRow("external two keys") << QStringLiteral("Shape") << QStringLiteral(R"({"circle": {}, "label": "x"})")
                                       << QStringLiteral("result: expected a variant name or an object with one key, got an object with 2 keys");
    QTest::newRow("external payload") << QStringLiteral("Shape") << QStringLiteral(R"({"circle": {"radius": "big"}})")
                                      << QStringLiteral("result.circle.radius: expected a number, got string");
    QTest::newRow("internal no tag") << QStringLiteral("Internal") << QStringLiteral(R"({"radius": 1})") << QStringLiteral("result.type: required field is missing");
    QTest::newRow("internal unknown") << QStringLiteral("Internal") << QStringLiteral(R"({"type": "square"})")
                                      << QStringLiteral(R"(result.type: "square" is not one of "circle", "point", "boxed")");
    QTest::newRow("adjacent no content") << QStringLiteral("Adjacent") << QStringLiteral(R"({"t": "num"})") << QStringLiteral("result.c: required field is missing");
    QTest::newRow("adjacent content") << QStringLiteral("Adjacent") << QStringLiteral(R"({"t": "num", "c": "x"})") << QStringLiteral("result.c: expected an integer, got string");
    QTest::newRow("untagged none") << QStringLiteral("Untagged") << QStringLiteral("true") << QStringLiteral("result: matches no variant of Untagged");
}

void TestCodegen::unionErrors()
{
    QFETCH(QString, type);
    QFETCH(QString, json);
    QFETCH(QString, message);
    const QJsonValue wire = value(json.toUtf8().constData());
    QString error;
    if (type == QLatin1String("Shape"))
        error = errorReading<Shape>(wire);
    else if (type == QLatin1String("Internal"))
        error = errorReading<Internal>(wire);
    else if (type == QLatin1String("Adjacent"))
        error = errorReading<Adjacent>(wire);
    else
        error = errorReading<Untagged>(wire);
    QCOMPARE(error, message);
}

void TestCodegen::nestedErrorPaths()
{
    QJsonObject json = object(everythingJson);
    json.insert(QStringLiteral("nested_lists"), value(R"([[1], [2, "x"]])"));
    QCOMPARE(errorReading<Everything>(json), QStringLiteral("result.nested_lists[1][1]: expected an integer, got string"));

    json = object(everythingJson);
    json.insert(QStringLiteral("map_of_lists"), value(R"({"warm": ["dark_red", "blue"]})"));
    QCOMPARE(errorReading<Everything>(json),
             QString::fromUtf8("result.map_of_lists.warm[1]: \"blue\" is not one of \"dark_red\", \"GREEN\", \"class\", \"\xc3\xa9meraude\""));

    json = object(everythingJson);
    json.insert(QStringLiteral("tree"), value(R"({"name": "r", "children": [{"name": 1, "children": []}]})"));
    QCOMPARE(errorReading<Everything>(json), QStringLiteral("result.tree.children[0].name: expected a string, got number"));

    json = object(everythingJson);
    json.insert(QStringLiteral("small"), 1.5);
    QCOMPARE(errorReading<Everything>(json), QStringLiteral("result.small: expected an integer, got 1.5"));
}

void TestCodegen::metaObjectPropertiesAreCamelCase()
{
    QCOMPARE(propertyNames(Everything::staticMetaObject),
             (latin1List({"flag", "text", "small", "medium", "big", "unsignedBig", "ratio", "anything", "maybeText",
                          "defaultedCount", "nestedLists", "mapOfLists", "color", "shapes", "tuple", "unit", "empty",
                          "tree", "keywords", "internal", "adjacent", "untagged"})));
    QCOMPARE(propertyNames(CountParams::staticMetaObject), latin1List({"n", "delayMs"}));
    QCOMPARE(propertyNames(Shape::staticMetaObject), latin1List({"kind", "circle", "label"}));
    // Gadget properties work like hand-written ones.
    CountParams params;
    const QMetaProperty n = CountParams::staticMetaObject.property(CountParams::staticMetaObject.indexOfProperty("n"));
    QVERIFY(n.writeOnGadget(&params, QVariant::fromValue(quint64(9))));
    QCOMPARE(params.n, quint64(9));
    QCOMPARE(n.metaType(), QMetaType::fromType<quint64>());
    // Doc comments do not break the header; default values are zero/empty.
    const Everything fresh;
    QCOMPARE(fresh.medium, 0);
    QVERIFY(!fresh.flag);
    QCOMPARE(fresh.color, Color::DarkRed);
    QCOMPARE(Shape().kind, Shape::Kind::Circle);
}

void TestCodegen::clashingNamesGetATrailingUnderscore()
{
    QCOMPARE(propertyNames(Keywords::staticMetaObject),
             (latin1List({"class_", "signals_", "emit_", "foreach_", "qObject", "staticMetaObject_", "maxResults",
                          "maxResults_", "_2nd", "firstName", "keywords"})));
    // The JSON keys stay.
    Keywords keywords;
    keywords._2nd = 2;
    keywords.class_ = 1;
    const QJsonObject json = qRustToJson(keywords).toObject();
    QCOMPARE(json.value(QStringLiteral("2nd")), QJsonValue(2));
    QCOMPARE(json.value(QStringLiteral("class")), QJsonValue(1));
    QVERIFY(json.contains(QStringLiteral("first name")));
    QVERIFY(json.contains(QStringLiteral("Q_OBJECT")));
}

void TestCodegen::commandStructs()
{
    QCOMPARE(QString::fromUtf8(Describe::method), QStringLiteral("$/describe"));
    QCOMPARE(QString::fromUtf8(_1stCommand::method), QStringLiteral("1st-command"));
    QCOMPARE(QString::fromUtf8(FilesList::method), QStringLiteral("files.list"));
    QCOMPARE(QString::fromUtf8(GetThing::method), QStringLiteral("get-thing"));
    QCOMPARE(QString::fromUtf8(Signals::method), QStringLiteral("signals"));
    static_assert(std::is_same_v<Count::Params, CountParams>);
    static_assert(std::is_same_v<Count::Chunk, Tick>);
    static_assert(std::is_same_v<Count::Result, CountResult>);
    static_assert(std::is_same_v<FilesList::Params, QList<QString>>);
    static_assert(std::is_same_v<FilesList::Result, QMap<QString, QList<Color>>>);
    static_assert(std::is_same_v<GetThing::Params, QJsonArray>);
    static_assert(std::is_same_v<GetThing::Result, std::optional<Shape>>);
    static_assert(std::is_same_v<Describe::Params, QJsonValue>);
    QCOMPARE(QRustTyped::CommandTraits<FilesList>::method(), QStringLiteral("files.list"));
    // Results through the library's own containers use the generated converters.
    QCOMPARE(qRustFromJson<FilesList::Result>(value(R"({"a": ["GREEN"]})")).value(QStringLiteral("a")),
             QList<Color>{Color::Green});
    QCOMPARE(qRustFromJson<GetThing::Result>(QJsonValue(QJsonValue::Null)), std::optional<Shape>());
}

void TestCodegen::schemaAndExpectSchema()
{
    QCOMPARE(QString::fromLatin1(Shapes::schema), QStringLiteral("0123456789abcdef"));
    QCOMPARE(QString::fromLatin1(Shapes::backend), QStringLiteral("shapes-backend"));
    QRustBridgeOptions options;
    Shapes::expectSchema(options);
    QCOMPARE(options.expectedSchema, QStringLiteral("0123456789abcdef"));
    QVERIFY(!options.failOnSchemaMismatch);
    Acme::Nested::expectSchema(options, true);
    QCOMPARE(options.expectedSchema, QStringLiteral("fedcba9876543210"));
    QVERIFY(options.failOnSchemaMismatch);
}

void TestCodegen::nestedNamespace()
{
    // "Client" is taken by the QML client, so the type is Client_; the command is Ping.
    Acme::Nested::Client_ client;
    client.id = 7;
    QCOMPARE(qRustToJson(client).toObject(), object(R"({"id": 7})"));
    static_assert(std::is_same_v<Acme::Nested::Ping::Params, Acme::Nested::Client_>);
    QCOMPARE(QString::fromLatin1(Acme::Nested::staticMetaObject.className()), QStringLiteral("Acme::Nested"));

    // A type called QString and members called uint and std: renamed, the keys kept.
    Acme::Nested::QString_ hiding;
    hiding.uint_ = 3;
    hiding.std_ = QStringLiteral("s");
    hiding.client.id = 4;
    hiding.later = QStringLiteral("l");
    const QJsonObject json = qRustToJson(hiding).toObject();
    QCOMPARE(json, object(R"({"uint": 3, "std": "s", "Client": {"id": 4}, "later": "l"})"));
    QVERIFY(qRustFromJson<Acme::Nested::QString_>(json) == hiding);
    QCOMPARE(propertyNames(Acme::Nested::QString_::staticMetaObject), latin1List({"uint_", "std_", "client", "later"}));
    static_assert(std::is_same_v<Acme::Nested::DeleteLater::Params, Acme::Nested::QString_>);
}

void TestCodegen::sendEchoThroughFakeBackend()
{
    QRustBridge bridge(TestSupport::fakeOptions());
    QRB_SPAWN(bridge);
    const Everything sent = sampleEverything();
    QFuture<Everything> future = bridge.send<Echo>(sent);
    QVERIFY(TestSupport::waitForFinished(future, 10000));
    QCOMPARE(TestSupport::errorOf(future).code(), QRustBridgeError::Code::NoError);
    QVERIFY(future.result() == sent);

    // A result that does not fit the generated type fails with the path.
    Acme::Nested::Client_ client;
    client.id = 1;
    QFuture<CountResult> mismatch = bridge.send<EchoAsCount>(client);
    QVERIFY(TestSupport::waitForFinished(mismatch, 10000));
    const QRustBridgeError error = TestSupport::errorOf(mismatch);
    QCOMPARE(error.code(), QRustBridgeError::Code::ProtocolError);
    QCOMPARE(error.message(), QStringLiteral("result.count: required field is missing"));
}

void TestCodegen::streamCountFromDemoBackend()
{
    QRB_VERIFY_DEMO_BACKEND();
    QRustBridge bridge(TestSupport::demoOptions());
    QRB_SPAWN(bridge);
    CountParams params;
    params.n = 4;
    QList<quint64> chunks;
    QFuture<CountResult> future = qRustSendStreaming<Count>(bridge, params, this,
                                                            [&chunks](const Tick &tick) { chunks.append(tick.i); });
    QVERIFY(TestSupport::waitForFinished(future, 10000));
    QCOMPARE(TestSupport::errorOf(future).code(), QRustBridgeError::Code::NoError);
    QCOMPARE(future.result().count, quint64(4));
    QCOMPARE(chunks, (QList<quint64>{0, 1, 2, 3}));
}

void TestCodegen::demoDescriptionAgainstDemoBackend()
{
    // The header generated from the demo backend's own description.
    QRB_VERIFY_DEMO_BACKEND();
    QRustBridge bridge(TestSupport::demoOptions());
    QRB_SPAWN(bridge);
    Demo::AddParams add;
    add.a = 2;
    add.b = 0.5;
    QFuture<double> sum = bridge.send<Demo::Add>(add);
    QVERIFY(TestSupport::waitForFinished(sum, 10000));
    QCOMPARE(TestSupport::errorOf(sum).code(), QRustBridgeError::Code::NoError);
    QCOMPARE(sum.result(), 2.5);

    Demo::CountParams params;
    params.n = 2;
    QList<quint64> chunks;
    QFuture<Demo::CountResult> count = qRustSendStreaming<Demo::Count>(
        bridge, params, this, [&chunks](const Demo::CountChunk &chunk) { chunks.append(chunk.i); });
    QVERIFY(TestSupport::waitForFinished(count, 10000));
    QCOMPARE(TestSupport::errorOf(count).code(), QRustBridgeError::Code::NoError);
    QCOMPARE(count.result().count, quint64(2));
    QCOMPARE(chunks, (QList<quint64>{0, 1}));
    QCOMPARE(QString::fromLatin1(Demo::backend), QStringLiteral("demo-backend"));
}

void TestCodegen::namingRules_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("camel");
    QTest::addColumn<QString>("pascal");

    auto row = [](const char *name, const char *camel, const char *pascal) {
        QTest::newRow(name) << QString::fromUtf8(name) << QString::fromLatin1(camel) << QString::fromLatin1(pascal);
    };
    row("max_results", "maxResults", "MaxResults");
    row("maxResults", "maxResults", "MaxResults");
    row("$/describe", "describe", "Describe");
    row("files.list", "filesList", "FilesList");
    row("get-thing", "getThing", "GetThing");
    row("URLPath", "urlPath", "UrlPath");
    row("HTTP", "http", "Http");
    row("first name", "firstName", "FirstName");
    row("1st-command", "_1stCommand", "_1stCommand");
    row("class", "class_", "Class");
    row("signals", "signals_", "Signals");
    row("Q_OBJECT", "qObject", "QObject");
    row("staticMetaObject", "staticMetaObject_", "StaticMetaObject");
    row("emit", "emit_", "Emit");
    row("$", "unnamed", "unnamed");
    row("caf\xc3\xa9_au_lait", "cafAuLait", "CafAuLait");
}

void TestCodegen::namingRules()
{
    QFETCH(QString, name);
    QFETCH(QString, camel);
    QFETCH(QString, pascal);
    QCOMPARE(NamingPolicy::camelCase(name), camel);
    QCOMPARE(NamingPolicy::pascalCase(name), pascal);
}

void TestCodegen::identifierScopeAppendsUnderscores()
{
    IdentifierScope scope({QStringLiteral("Client")});
    QCOMPARE(scope.claim(QStringLiteral("Client")), QStringLiteral("Client_"));
    QCOMPARE(scope.claim(QStringLiteral("Client")), QStringLiteral("Client__"));
    QCOMPARE(scope.claim(QStringLiteral("Other")), QStringLiteral("Other"));
    QCOMPARE(NamingPolicy::identifier(QStringLiteral("Page<Item>")), QStringLiteral("Page_Item_"));
    QCOMPARE(NamingPolicy::identifier(QStringLiteral("int")), QStringLiteral("int_"));
}

void TestCodegen::toolErrors_data()
{
    QTest::addColumn<QByteArray>("description");
    QTest::addColumn<QString>("message");

    const QByteArray head = R"({"qrustbridge": 1, "schema": "0000000000000000", "backend": "b", )";
    QTest::newRow("bad JSON") << QByteArray(R"({"qrustbridge": 1,)")
                              << QStringLiteral("bad.json: invalid JSON at offset");
    QTest::newRow("not an object") << QByteArray("[]") << QStringLiteral("bad.json: $: expected an object");
    QTest::newRow("version") << QByteArray(R"({"qrustbridge": 2, "schema": "", "commands": [], "types": []})")
                             << QStringLiteral("bad.json: $.qrustbridge: unsupported format version 2");
    QTest::newRow("unknown type kind")
        << head + R"("commands": [], "types": [{"name": "A", "kind": "class", "doc": ""}]})"
        << QStringLiteral(R"(bad.json: $.types[0].kind: unknown type kind "class" (expected "struct", "enum" or "union"))");
    QTest::newRow("dangling ref")
        << head + R"("commands": [{"name": "a", "kind": "call", "params": {"ref": "Missing"}, "result": "null"}], "types": []})"
        << QStringLiteral(R"(bad.json: $.commands[0].params: refers to type "Missing", which the description does not define)");
    QTest::newRow("unknown primitive")
        << head + R"("commands": [], "types": [{"name": "A", "kind": "struct", "fields": [{"name": "x", "type": {"list": "i128"}}]}]})"
        << QStringLiteral(R"(bad.json: $.types[0].fields[0].type.list: unknown type "i128")");
    QTest::newRow("missing member")
        << head + R"("commands": [{"name": "a", "kind": "call", "params": "null"}], "types": []})"
        << QStringLiteral(R"(bad.json: $.commands[0]: missing member "result")");
    QTest::newRow("unknown command kind")
        << head + R"("commands": [{"name": "a", "kind": "push", "params": "null", "result": "null"}], "types": []})"
        << QStringLiteral(R"(bad.json: $.commands[0].kind: unknown command kind "push")");
    QTest::newRow("enum with data")
        << head + R"("commands": [], "types": [{"name": "E", "kind": "enum", "variants": [{"name": "a", "type": "i32"}]}]})"
        << QStringLiteral(R"(bad.json: $.types[0].variants[0]: an "enum" has only unit variants)");
    QTest::newRow("recursive by value")
        << head + R"("commands": [], "types": [{"name": "A", "kind": "struct", "fields": [{"name": "b", "type": {"option": {"ref": "B"}}}]},)"
                  R"({"name": "B", "kind": "struct", "fields": [{"name": "a", "type": {"ref": "A"}}]}]})"
        << QStringLiteral("bad.json: type A contains itself (A -> B -> A)");
}

void TestCodegen::toolErrors()
{
    QFETCH(QByteArray, description);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(description);
    file.close();
    const QString output = dir.filePath(QStringLiteral("out.h"));
    const ToolRun run = runTool({QStringLiteral("--namespace"), QStringLiteral("Bad"), QStringLiteral("--output"), output,
                                 file.fileName()});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.errors.contains(message), qPrintable(run.errors));
    QVERIFY(run.errors.startsWith(QStringLiteral("qrustbridge-codegen: ")));
    QVERIFY(!QFile::exists(output));
}

void TestCodegen::toolReadsStdinAndKeepsUnchangedOutput()
{
    QFile shapes(QStringLiteral(TEST_SOURCE_DIR "/descriptions/shapes.json"));
    QVERIFY(shapes.open(QIODevice::ReadOnly));
    const QByteArray description = shapes.readAll();
    const ToolRun run = runTool({QStringLiteral("--namespace"), QStringLiteral("Shapes"), QStringLiteral("-")}, description);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.output.contains("struct Everything"));
    QVERIFY(run.output.contains("inline constexpr char schema[] = \"0123456789abcdef\";"));
    QVERIFY(!run.output.contains("class Client"));

    QTemporaryDir dir;
    const QString output = dir.filePath(QStringLiteral("shapes.h"));
    const QStringList arguments{QStringLiteral("--namespace"), QStringLiteral("Shapes"), QStringLiteral("-o"), output,
                                shapes.fileName()};
    QCOMPARE(runTool(arguments).exitCode, 0);
    QFile written(output);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QByteArray fromStdin = run.output;
    QCOMPARE(written.readAll(), fromStdin.replace("standard input", "shapes.json"));
    const QDateTime old = QDateTime::currentDateTimeUtc().addSecs(-3600);
    QVERIFY(written.setFileTime(old, QFileDevice::FileModificationTime));
    written.close();
    QCOMPARE(runTool(arguments).exitCode, 0);
    QCOMPARE(QFileInfo(output).lastModified().toUTC().toSecsSinceEpoch(), old.toSecsSinceEpoch());
}

void TestCodegen::toolUsageErrors()
{
    ToolRun run = runTool({QStringLiteral("x.json")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.errors.contains(QStringLiteral("--namespace is required")), qPrintable(run.errors));
    run = runTool({QStringLiteral("--namespace"), QStringLiteral("class"), QStringLiteral("x.json")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.errors.contains(QStringLiteral("not a C++ namespace name")), qPrintable(run.errors));
    run = runTool({QStringLiteral("--namespace"), QStringLiteral("A"), QStringLiteral("/nonexistent/x.json")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.errors.contains(QStringLiteral("/nonexistent/x.json: cannot read")), qPrintable(run.errors));
}

QTEST_GUILESS_MAIN(TestCodegen)
#include "tst_codegen.moc"
