// Proves QRustJSValueConverter's mapping in both directions: JSON types become the
// same JavaScript types (integers stay numbers), JavaScript follows
// JSON.stringify's rules (undefined/functions/NaN/toJSON), integral numbers
// are written as JSON integers, and cycles / excessive depth are errors.
// Runs on Qt 6.4 (scripts/test.sh) and Qt 6.8 (scripts/qt68.sh); the cases
// named after a Qt 6.8 difference crashed or failed there before the fix.
#include "qrustjsvalueconverter.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QPointF>
#include <QtCore/QUrl>
#include <QtCore/QUuid>
#include <QtQml/QJSEngine>
#include <QtTest/QTest>

#include <cmath>

class tst_QRustJSValueConverter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void toJsKeepsTypes();
    void toJsBuildsContainers();
    void toJsonFromExpression_data();
    void toJsonFromExpression();
    void integralNumbersBecomeJsonIntegers_data();
    void integralNumbersBecomeJsonIntegers();
    void cycleIsAnError();
    void tooDeepIsAnError();
    void throwingToJsonIsAnError();
    void sequencesBecomeArrays();
    void emptyKeyBesideNonLatin1Key();
    void cppValuesWithoutMembersUseFromVariant();
    void valueTypesBecomeObjects();
    void roundTripIsIdentity();

private:
    static QByteArray compact(const QJsonValue &value);
    QJSEngine m_engine;
};

QByteArray tst_QRustJSValueConverter::compact(const QJsonValue &value)
{
    // Wrap in an array: QJsonDocument only serializes containers.
    return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
}

void tst_QRustJSValueConverter::toJsKeepsTypes()
{
    QJSValue v = QRustJSValueConverter::toJs(&m_engine, QJsonValue(QJsonValue::Null));
    QVERIFY(v.isNull());
    v = QRustJSValueConverter::toJs(&m_engine, QJsonValue(true));
    QVERIFY(v.isBool());
    QCOMPARE(v.toBool(), true);
    v = QRustJSValueConverter::toJs(&m_engine, QJsonValue(qint64(9007199254740991LL)));
    QVERIFY(v.isNumber());
    QCOMPARE(v.toNumber(), 9007199254740991.0);
    v = QRustJSValueConverter::toJs(&m_engine, QJsonValue(2.5));
    QVERIFY(v.isNumber());
    QCOMPARE(v.toNumber(), 2.5);
    v = QRustJSValueConverter::toJs(&m_engine, QJsonValue(QStringLiteral("é😀")));
    QVERIFY(v.isString());
    QCOMPARE(v.toString(), QStringLiteral("é😀"));
    QVERIFY(QRustJSValueConverter::toJs(&m_engine, QJsonValue(QJsonValue::Undefined)).isUndefined());
}

void tst_QRustJSValueConverter::toJsBuildsContainers()
{
    const QJsonDocument doc = QJsonDocument::fromJson(R"({"n":42,"list":[1,"two",null,{"deep":[true]}]})");
    const QJSValue v = QRustJSValueConverter::toJs(&m_engine, doc.object());
    QVERIFY(v.isObject());
    QVERIFY(!v.isArray());
    QVERIFY(v.property(QStringLiteral("n")).isNumber());
    const QJSValue list = v.property(QStringLiteral("list"));
    QVERIFY(list.isArray());
    QCOMPARE(list.property(QStringLiteral("length")).toInt(), 4);
    QVERIFY(list.property(2).isNull());
    QVERIFY(list.property(3).property(QStringLiteral("deep")).isArray());
    // The engine sees plain JavaScript data (QJsonObject orders keys).
    QJSValue stringify = m_engine.evaluate(QStringLiteral("(function (v) { return JSON.stringify(v); })"));
    QCOMPARE(stringify.call({v}).toString(), QStringLiteral(R"({"list":[1,"two",null,{"deep":[true]}],"n":42})"));
}

void tst_QRustJSValueConverter::toJsonFromExpression_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QByteArray>("json");  // compact, inside [ ]
    QTest::newRow("null") << "null" << QByteArray("[null]");
    QTest::newRow("undefined -> null") << "undefined" << QByteArray("[null]");
    QTest::newRow("function -> null") << "(function () {})" << QByteArray("[null]");
    QTest::newRow("true") << "true" << QByteArray("[true]");
    QTest::newRow("int") << "42" << QByteArray("[42]");
    QTest::newRow("float") << "0.1" << QByteArray("[0.1]");
    QTest::newRow("NaN -> null") << "NaN" << QByteArray("[null]");
    QTest::newRow("Infinity -> null") << "-Infinity" << QByteArray("[null]");
    QTest::newRow("string") << "'a\"b'" << QByteArray(R"(["a\"b"])");
    QTest::newRow("array holes") << "[undefined, function () {}, 1]" << QByteArray("[[null,null,1]]");
    QTest::newRow("object drops undefined") << "({a: undefined, f: function () {}, b: 1})" << QByteArray(R"([{"b":1}])");
    QTest::newRow("nested") << "({a: [1, {b: [null, true]}], c: 'x'})" << QByteArray(R"([{"a":[1,{"b":[null,true]}],"c":"x"}])");
    QTest::newRow("Date") << "new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6))" << QByteArray(R"(["2020-01-02T03:04:05.006Z"])");
    QTest::newRow("toJSON") << "({toJSON: function () { return [1, 2]; }})" << QByteArray("[[1,2]]");
    QTest::newRow("toJSON result's toJSON is not called") << "({toJSON: function () { return {toJSON: 5}; }})" << QByteArray(R"([{"toJSON":5}])");
    QTest::newRow("shared, acyclic") << "(function () { var s = {v: 1}; return [s, s]; })()" << QByteArray(R"([[{"v":1},{"v":1}]])");
    QTest::newRow("object with length") << "({length: 2})" << QByteArray(R"([{"length":2}])");
}

void tst_QRustJSValueConverter::toJsonFromExpression()
{
    QFETCH(QString, expression);
    QFETCH(QByteArray, json);
    const QJSValue value = m_engine.evaluate(expression);
    QVERIFY2(!value.isError(), qPrintable(value.toString()));
    QString error = QStringLiteral("not cleared");
    const QJsonValue result = QRustJSValueConverter::toJson(value, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(compact(result), json);
}

void tst_QRustJSValueConverter::integralNumbersBecomeJsonIntegers_data()
{
    QTest::addColumn<double>("number");
    QTest::addColumn<bool>("integer");
    QTest::newRow("0") << 0.0 << true;
    QTest::newRow("-0 becomes 0, like JSON.stringify") << -0.0 << true;
    QTest::newRow("42") << 42.0 << true;
    QTest::newRow("-7") << -7.0 << true;
    QTest::newRow("2^53-1") << 9007199254740991.0 << true;
    QTest::newRow("2^53") << 9007199254740992.0 << true;
    QTest::newRow("1e20 beyond exact range") << 1e20 << false;
    QTest::newRow("0.5") << 0.5 << false;
}

void tst_QRustJSValueConverter::integralNumbersBecomeJsonIntegers()
{
    QFETCH(double, number);
    QFETCH(bool, integer);
    QString error;
    const QJsonValue json = QRustJSValueConverter::toJson(QJSValue(number), &error);
    QVERIFY(error.isEmpty());
    QVERIFY(json.isDouble());
    // QJsonValue keeps integers as qint64 internally; toVariant() reveals which.
    QCOMPARE(json.toVariant().metaType() == QMetaType::fromType<qlonglong>(), integer);
    QCOMPARE(json.toDouble(), number);
    if (number == 0)
        QVERIFY(!std::signbit(json.toDouble()));
}

void tst_QRustJSValueConverter::cycleIsAnError()
{
    const QJSValue cyclic = m_engine.evaluate(QStringLiteral("(function () { var o = {a: [1]}; o.a.push(o); return o; })()"));
    QString error;
    const QJsonValue json = QRustJSValueConverter::toJson(cyclic, &error);
    QVERIFY(json.isUndefined());
    QVERIFY2(error.contains(QStringLiteral("cyclic")), qPrintable(error));
}

void tst_QRustJSValueConverter::tooDeepIsAnError()
{
    const QString make = QStringLiteral("(function (n) { var v = 1; for (var i = 0; i < n; ++i) v = [v]; return v; })");
    QString error;
    QRustJSValueConverter::toJson(m_engine.evaluate(make).call({QRustJSValueConverter::maxDepth()}), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonValue json = QRustJSValueConverter::toJson(m_engine.evaluate(make).call({QRustJSValueConverter::maxDepth() + 1}), &error);
    QVERIFY(json.isUndefined());
    QVERIFY2(error.contains(QString::number(QRustJSValueConverter::maxDepth())), qPrintable(error));
}

void tst_QRustJSValueConverter::throwingToJsonIsAnError()
{
    QString error;
    QRustJSValueConverter::toJson(m_engine.evaluate(QStringLiteral("({toJSON: function () { throw new Error('nope'); }})")), &error);
    QVERIFY2(error.contains(QStringLiteral("nope")), qPrintable(error));
}

void tst_QRustJSValueConverter::sequencesBecomeArrays()
{
    QString error;
    const QJsonValue list = QRustJSValueConverter::toJson(
        m_engine.toScriptValue(QStringList{QStringLiteral("a"), QStringLiteral("b")}), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(compact(list), QByteArray(R"([["a","b"]])"));
    const QJsonValue variants = QRustJSValueConverter::toJson(
        m_engine.toScriptValue(QVariantList{1, QStringLiteral("x"), true}), &error);
    QCOMPARE(compact(variants), QByteArray(R"([[1,"x",true]])"));
    // Qt 6.4 turns a QVariantList into a JavaScript Array, Qt >= 6.5 into a
    // sequence wrapper like QStringList's: both must convert the same way.
    const QVariantList nested{1, QVariantList{2}};
    QCOMPARE(compact(QRustJSValueConverter::toJson(m_engine.toScriptValue(nested), &error)), QByteArray("[[1,[2]]]"));
    // Sequences of types QJsonValue::fromVariant() knows nothing of (it gave null).
    const QJsonValue ints = QRustJSValueConverter::toJson(m_engine.toScriptValue(QList<int>({1, 2, 3})), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(compact(ints), QByteArray("[[1,2,3]]"));
}

void tst_QRustJSValueConverter::emptyKeyBesideNonLatin1Key()
{
    // Qt 6.8: QJSValueIterator names the key "" with a null QString, and
    // QJsonObject::insert() with a null key crashed (SIGSEGV) once the object
    // held a non-Latin-1 key. Both orders, nested too.
    const char *const expressions[] = {R"(({"ключ": 1, "": 2, "😀": 3}))", R"(({"": 2, "ключ": 1, "😀": 3}))",
                                       R"(({a: {"é": [{"": null}], "": {"": ""}}}))"};
    for (const char *text : expressions) {
        const QString expression = QString::fromUtf8(text);
        const QJSValue value = m_engine.evaluate(expression);
        QVERIFY2(!value.isError(), qPrintable(value.toString()));
        QString error;
        const QJsonValue json = QRustJSValueConverter::toJson(value, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        if (expression.startsWith(QStringLiteral("({a")))
            QCOMPARE(compact(json), QByteArray(R"([{"a":{"":{"":""},"é":[{"":null}]}}])"));
        else
            QCOMPARE(compact(json), QByteArray(R"([{"":2,"ключ":1,"😀":3}])"));
    }
}

void tst_QRustJSValueConverter::cppValuesWithoutMembersUseFromVariant()
{
    // What QJSValue::isVariant() (deprecated in Qt 6.8) used to catch: C++
    // values the engine wraps without members. QJsonValue::fromVariant()
    // knows how to write some of them.
    QString error;
    const QUuid uuid = QUuid::fromString(QStringLiteral("{67c8770b-44f1-410a-ab9a-f9b5446f13ee}"));
    QCOMPARE(compact(QRustJSValueConverter::toJson(m_engine.toScriptValue(uuid), &error)),
             QByteArray(R"(["67c8770b-44f1-410a-ab9a-f9b5446f13ee"])"));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // (No double slash in this file's strings: Qt 6.4's moc takes it for a comment.)
    const QUrl url(QStringLiteral("mailto:a@example.org"));
    QCOMPARE(compact(QRustJSValueConverter::toJson(m_engine.toScriptValue(url), &error)),
             QByteArray(R"(["mailto:a@example.org"])"));
    // Inside data as well, and plain objects around them are still walked.
    QJSValue object = m_engine.newObject();
    object.setProperty(QStringLiteral("id"), m_engine.toScriptValue(uuid));
    object.setProperty(QStringLiteral("n"), 1);
    QCOMPARE(compact(QRustJSValueConverter::toJson(object, &error)),
             QByteArray(R"([{"id":"67c8770b-44f1-410a-ab9a-f9b5446f13ee","n":1}])"));
    // An ArrayBuffer is JavaScript data: {} as in JSON.stringify.
    QCOMPARE(compact(QRustJSValueConverter::toJson(m_engine.toScriptValue(QByteArray("ab")), &error)),
             QByteArray("[{}]"));
}

void tst_QRustJSValueConverter::valueTypesBecomeObjects()
{
    // Value types with members (point, size, Q_GADGETs) are written member by member.
    QString error;
    QCOMPARE(compact(QRustJSValueConverter::toJson(m_engine.toScriptValue(QPointF(1, 2.5)), &error)),
             QByteArray(R"([{"x":1,"y":2.5}])"));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_QRustJSValueConverter::roundTripIsIdentity()
{
    const QByteArray text = R"({"a":[1,2.5,-3,"é😀",null,true,false,{"b":{}}],"big":9007199254740991,"e":[],"s":""})";
    const QJsonValue original = QJsonDocument::fromJson(text).object();
    QString error;
    const QJsonValue back = QRustJSValueConverter::toJson(QRustJSValueConverter::toJs(&m_engine, original), &error);
    QVERIFY(error.isEmpty());
    QCOMPARE(back, original);
    QCOMPARE(QJsonDocument(back.toObject()).toJson(QJsonDocument::Compact),
             QJsonDocument(original.toObject()).toJson(QJsonDocument::Compact));
}

QTEST_GUILESS_MAIN(tst_QRustJSValueConverter)

#include "tst_qrustjsvalueconverter.moc"
