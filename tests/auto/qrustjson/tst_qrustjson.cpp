// Proves QRustJsonConverter: every supported type round-trips to the JSON
// shape documented in docs/typed-commands.md, and every malformed input is
// rejected with a ProtocolError whose message names the offending field.
#include <QRustBridge/qrustjson.h>

#include <QtCore/QJsonDocument>
#include <QtCore/QPoint>
#include <QtCore/QTimeZone>
#include <QtTest/QtTest>

#include <functional>

namespace Palette {
Q_NAMESPACE
enum class Color { Red, Green, Blue };
Q_ENUM_NS(Color)
} // namespace Palette

enum PlainEnum : qint16 { PlainLow = -5, PlainHigh = 300 };

struct Address
{
    Q_GADGET
    Q_PROPERTY(QString street MEMBER street)
    Q_PROPERTY(int number MEMBER number)
public:
    QString street;
    int number = 0;
    friend bool operator==(const Address &a, const Address &b) { return a.street == b.street && a.number == b.number; }
    friend bool operator!=(const Address &a, const Address &b) { return !(a == b); }
};

// One property of each kind the runtime (QMetaType) path handles.
struct Person
{
    Q_GADGET
    Q_PROPERTY(QString name MEMBER name)
    Q_PROPERTY(int age MEMBER age)
    Q_PROPERTY(qint64 id MEMBER id)
    Q_PROPERTY(quint8 level MEMBER level)
    Q_PROPERTY(double score MEMBER score)
    Q_PROPERTY(float ratio MEMBER ratio)
    Q_PROPERTY(bool active MEMBER active)
    Q_PROPERTY(QStringList tags MEMBER tags)
    Q_PROPERTY(QList<int> numbers MEMBER numbers)
    Q_PROPERTY(Address home MEMBER home)
    Q_PROPERTY(QList<Address> previous MEMBER previous)
    Q_PROPERTY(std::vector<Address> offices MEMBER offices)
    Q_PROPERTY(QMap<QString, Address> byLabel MEMBER byLabel)
    Q_PROPERTY(QVariantMap extra MEMBER extra)
    Q_PROPERTY(QJsonObject raw MEMBER raw)
    Q_PROPERTY(Palette::Color favourite MEMBER favourite)
    Q_PROPERTY(QList<Palette::Color> palette MEMBER palette)
public:
    QString name;
    int age = 0;
    qint64 id = 0;
    quint8 level = 0;
    double score = 0;
    float ratio = 0;
    bool active = false;
    QStringList tags;
    QList<int> numbers;
    Address home;
    QList<Address> previous;
    std::vector<Address> offices;
    QMap<QString, Address> byLabel;
    QVariantMap extra;
    QJsonObject raw;
    Palette::Color favourite = Palette::Color::Red;
    QList<Palette::Color> palette;

    friend bool operator==(const Person &a, const Person &b)
    {
        return a.name == b.name && a.age == b.age && a.id == b.id && a.level == b.level && a.score == b.score
            && a.ratio == b.ratio && a.active == b.active && a.tags == b.tags && a.numbers == b.numbers
            && a.home == b.home && a.previous == b.previous && a.offices == b.offices && a.byLabel == b.byLabel
            && a.extra == b.extra && a.raw == b.raw && a.favourite == b.favourite && a.palette == b.palette;
    }
};

// The string-coded Qt types as properties.
struct Stamp
{
    Q_GADGET
    Q_PROPERTY(QDateTime at MEMBER at)
    Q_PROPERTY(QDate day MEMBER day)
    Q_PROPERTY(QTime time MEMBER time)
    Q_PROPERTY(QUrl link MEMBER link)
    Q_PROPERTY(QUuid id MEMBER id)
public:
    QDateTime at;
    QDate day;
    QTime time;
    QUrl link;
    QUuid id;
    friend bool operator==(const Stamp &a, const Stamp &b)
    {
        return a.at == b.at && a.day == b.day && a.time == b.time && a.link == b.link && a.id == b.id;
    }
};

// Properties that may be missing (QJsonValue, QVariant), one that is not
// read back (read-only) and one that is never serialized (STORED false).
struct Lenient
{
    Q_GADGET
    Q_PROPERTY(QJsonValue anything MEMBER anything)
    Q_PROPERTY(QVariant variant MEMBER variant)
    Q_PROPERTY(QString computed READ computed)
    Q_PROPERTY(QString cache MEMBER cache STORED false)
public:
    QJsonValue anything;
    QVariant variant;
    QString cache;
    QString computed() const { return QStringLiteral("computed"); }
};

// A property type with no built-in conversion.
struct Drawing
{
    Q_GADGET
    Q_PROPERTY(QPoint origin MEMBER origin)
public:
    QPoint origin;
};

// A property type converted by QMetaType converters registered at run time.
struct Celsius
{
    double degrees = 0;
    friend bool operator==(const Celsius &a, const Celsius &b) { return a.degrees == b.degrees; }
    friend bool operator!=(const Celsius &a, const Celsius &b) { return !(a == b); }
};

struct Weather
{
    Q_GADGET
    Q_PROPERTY(Celsius temperature MEMBER temperature)
public:
    Celsius temperature;
};

static_assert(QRustTyped::has_json_converter_v<Person>);
static_assert(QRustTyped::has_json_converter_v<QList<std::optional<Address>>>);
static_assert(QRustTyped::has_json_converter_v<QVariantMap>);
static_assert(!QRustTyped::has_json_converter_v<QPoint>);
static_assert(!QRustTyped::has_json_converter_v<QList<QPoint>>);
static_assert(!QRustTyped::has_json_converter_v<std::optional<QPoint>>);

// A data row: runs one check and returns what went wrong, empty on success.
using Check = std::function<QString()>;
Q_DECLARE_METATYPE(Check)

namespace {

// Qt 6.8 deprecates the QDateTime constructors taking a Qt::TimeSpec (a
// -Werror build stops); their QTimeZone replacements came with Qt 6.5.
QDateTime utcDateTime(QDate date, QTime time)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    return QDateTime(date, time, QTimeZone::UTC);
#else
    return QDateTime(date, time, Qt::UTC);
#endif
}

QDateTime offsetDateTime(QDate date, QTime time, int secondsAheadOfUtc)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    return QDateTime(date, time, QTimeZone::fromSecondsAheadOfUtc(secondsAheadOfUtc));
#else
    return QDateTime(date, time, Qt::OffsetFromUTC, secondsAheadOfUtc);
#endif
}

QByteArray compact(const QJsonValue &value)
{
    // Wrapped in an array: QJsonDocument only serializes objects and arrays.
    return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
}

QJsonValue parse(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + json + "]", &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("test data is not JSON: %s", json.constData());
    return document.array().at(0);
}

// toJson(value) serializes to exactly `json`, and `json` (parsed from text,
// as it arrives from a backend) reads back to `value`.
template <typename T>
Check roundTrip(const T &value, const QByteArray &json)
{
    return [value, json]() -> QString {
        const QByteArray written = compact(qRustToJson(value));
        const QByteArray expected = compact(parse(json));
        if (written != expected)
            return QStringLiteral("wrote %1, expected %2").arg(QString::fromUtf8(written), QString::fromUtf8(expected));
        try {
            if (!(qRustFromJson<T>(parse(json)) == value))
                return QStringLiteral("%1 did not read back to the original value").arg(QString::fromUtf8(json));
        } catch (const QRustBridgeError &e) {
            return QStringLiteral("reading %1 threw: %2").arg(QString::fromUtf8(json), e.message());
        }
        return QString();
    };
}

// Reading `json` as a T throws a ProtocolError; returns its message.
template <typename T>
std::function<QString()> readError(const QByteArray &json, const QString &path = QStringLiteral("value"))
{
    return [json, path]() -> QString {
        try {
            qRustFromJson<T>(parse(json), path);
        } catch (const QRustBridgeError &e) {
            if (e.code() != QRustBridgeError::Code::ProtocolError)
                return QStringLiteral("wrong code ") + QRustBridgeError::codeName(e.code());
            return e.message();
        }
        return QStringLiteral("<no error>");
    };
}

Address address(const QString &street, int number)
{
    Address a;
    a.street = street;
    a.number = number;
    return a;
}

Person samplePerson()
{
    Person p;
    p.name = QStringLiteral("Ada");
    p.age = 36;
    p.id = (qint64(1) << 53) + 1;
    p.level = 255;
    p.score = 0.1;
    p.ratio = 1.5f;
    p.active = true;
    p.tags = {QStringLiteral("math"), QStringLiteral("engines")};
    p.numbers = {1, -2, 3};
    p.home = address(QStringLiteral("St James Square"), 12);
    p.previous = {address(QStringLiteral("Marylebone"), 1), address(QStringLiteral("Ockham"), 2)};
    p.offices = {address(QStringLiteral("London"), 3)};
    p.byLabel = {{QStringLiteral("summer"), address(QStringLiteral("Kirkby"), 4)}};
    p.extra = {{QStringLiteral("nested"), QVariantMap{{QStringLiteral("list"), QVariantList{qlonglong(1), QStringLiteral("two")}}}}};
    p.raw = QJsonObject{{QStringLiteral("free"), QJsonArray{true, QJsonValue::Null}}};
    p.favourite = Palette::Color::Blue;
    p.palette = {Palette::Color::Green, Palette::Color::Red};
    return p;
}

const QByteArray samplePersonJson =
    R"({"name":"Ada","age":36,"id":9007199254740993,"level":255,"score":0.1,"ratio":1.5,"active":true,)"
    R"("tags":["math","engines"],"numbers":[1,-2,3],"home":{"street":"St James Square","number":12},)"
    R"("previous":[{"street":"Marylebone","number":1},{"street":"Ockham","number":2}],)"
    R"("offices":[{"street":"London","number":3}],"byLabel":{"summer":{"street":"Kirkby","number":4}},)"
    R"("extra":{"nested":{"list":[1,"two"]}},"raw":{"free":[true,null]},"favourite":"Blue","palette":["Green","Red"]})";

// samplePersonJson with one field replaced: `from` must occur exactly once.
QByteArray personJsonWith(const QByteArray &from, const QByteArray &to)
{
    QByteArray json = samplePersonJson;
    if (json.count(from) != 1)
        qFatal("test data: \"%s\" does not occur exactly once", from.constData());
    return json.replace(from, to);
}

} // namespace

class tst_QRustJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everySupportedTypeRoundTrips_data();
    void everySupportedTypeRoundTrips();
    void malformedInputIsRejectedNamingTheField_data();
    void malformedInputIsRejectedNamingTheField();
    void optionalIsNulloptForNullAndMissing();
    void optionalPropagatesErrorsOfItsValue();
    void integersUpTo2Pow53RoundTripThroughDoubles_data();
    void integersUpTo2Pow53RoundTripThroughDoubles();
    void int64RoundTripsExactlyThroughQtJsonText();
    void quint64BeyondInt64TravelsAsDouble();
    void nonFiniteDoublesAreWrittenAsNull();
    void variantMapKeepsNestedValues();
    void gadgetMissingKeyIsAnErrorExceptForJsonValueAndVariant();
    void gadgetIgnoresUnknownKeysAndReadOnlyAndUnstoredProperties();
    void gadgetPropertyWithoutConversionThrowsInBothDirections();
    void gadgetPropertyUsesRegisteredQMetaTypeConverters();
    void enumAcceptsNameOrKnownValue();
    void dateTimeReadsOtherIso8601Forms();
    void errorMessagesAreTranslatable();
};

void tst_QRustJson::initTestCase()
{
    QMetaType::registerConverter<Celsius, QJsonValue>([](const Celsius &c) { return QJsonValue(c.degrees); });
    // Qt 6.4 converters cannot report failure; this one reads anything but a number as 0.
    QMetaType::registerConverter<QJsonValue, Celsius>([](const QJsonValue &json) { return Celsius{json.toDouble()}; });
}

void tst_QRustJson::everySupportedTypeRoundTrips_data()
{
    QTest::addColumn<Check>("check");

    QTest::newRow("QJsonValue null") << roundTrip(QJsonValue(QJsonValue::Null), "null");
    QTest::newRow("QJsonValue object") << roundTrip(QJsonValue(QJsonObject{{QStringLiteral("a"), 1}}), R"({"a":1})");
    QTest::newRow("QJsonObject") << roundTrip(QJsonObject{{QStringLiteral("k"), QJsonArray{1, 2}}}, R"({"k":[1,2]})");
    QTest::newRow("QJsonArray") << roundTrip(QJsonArray{QStringLiteral("x"), false}, R"(["x",false])");
    QTest::newRow("QString") << roundTrip(QStringLiteral("h\u00e9llo \"q\" \u2603"), "\"h\u00e9llo \\\"q\\\" \u2603\"");
    QTest::newRow("QString empty") << roundTrip(QString(), R"("")");
    QTest::newRow("bool true") << roundTrip(true, "true");
    QTest::newRow("bool false") << roundTrip(false, "false");
    QTest::newRow("char") << roundTrip(char('A'), "65");
    QTest::newRow("qint8 min") << roundTrip(qint8(-128), "-128");
    QTest::newRow("quint8 max") << roundTrip(quint8(255), "255");
    QTest::newRow("qint16 min") << roundTrip(qint16(-32768), "-32768");
    QTest::newRow("quint16 max") << roundTrip(quint16(65535), "65535");
    QTest::newRow("int min") << roundTrip(std::numeric_limits<int>::min(), "-2147483648");
    QTest::newRow("int max") << roundTrip(std::numeric_limits<int>::max(), "2147483647");
    QTest::newRow("uint max") << roundTrip(std::numeric_limits<uint>::max(), "4294967295");
    QTest::newRow("long") << roundTrip(long(-7), "-7");
    QTest::newRow("ulong") << roundTrip(ulong(7), "7");
    QTest::newRow("qint64 min") << roundTrip(std::numeric_limits<qint64>::min(), "-9223372036854775808");
    QTest::newRow("qint64 max") << roundTrip(std::numeric_limits<qint64>::max(), "9223372036854775807");
    QTest::newRow("quint64 int64 max") << roundTrip(quint64(std::numeric_limits<qint64>::max()), "9223372036854775807");
    QTest::newRow("char16_t") << roundTrip(char16_t(0x2603), "9731");
    QTest::newRow("char32_t") << roundTrip(char32_t(0x1F600), "128512");
    QTest::newRow("float") << roundTrip(1.5f, "1.5");
    QTest::newRow("float max") << roundTrip(std::numeric_limits<float>::max(), "3.4028234663852886e+38");
    QTest::newRow("double") << roundTrip(0.1, "0.1");
    QTest::newRow("double huge") << roundTrip(1e300, "1e+300");
    QTest::newRow("double integral") << roundTrip(2.0, "2");
    QTest::newRow("Q_ENUM") << roundTrip(Palette::Color::Green, R"("Green")");
    QTest::newRow("plain enum") << roundTrip(PlainHigh, "300");
    QTest::newRow("QVariant string") << roundTrip(QVariant(QStringLiteral("s")), R"("s")");
    QTest::newRow("QVariant number") << roundTrip(QVariant(qlonglong(5)), "5");
    QTest::newRow("QVariant null") << roundTrip(QVariant::fromValue(nullptr), "null");
    QTest::newRow("QStringList") << roundTrip(QStringList{QStringLiteral("a"), QStringLiteral("b")}, R"(["a","b"])");
    QTest::newRow("QStringList empty") << roundTrip(QStringList(), "[]");
    QTest::newRow("QVariantList") << roundTrip(QVariantList{true, 1.5, QStringLiteral("x")}, R"([true,1.5,"x"])");
    QTest::newRow("QVariantMap") << roundTrip(QVariantMap{{QStringLiteral("a"), qlonglong(1)}, {QStringLiteral("b"), QVariantList{QVariant::fromValue(nullptr)}}},
                                              R"({"a":1,"b":[null]})");
    QTest::newRow("QVariantHash") << roundTrip(QVariantHash{{QStringLiteral("k"), QStringLiteral("v")}}, R"({"k":"v"})");
    QTest::newRow("QDateTime UTC") << roundTrip(utcDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 678)), R"("2024-01-02T03:04:05.678Z")");
    QTest::newRow("QDateTime offset") << roundTrip(offsetDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), 3600), R"("2024-01-02T03:04:05.000+01:00")");
    QTest::newRow("QDateTime invalid") << roundTrip(QDateTime(), "null");
    QTest::newRow("QDate") << roundTrip(QDate(2024, 2, 29), R"("2024-02-29")");
    QTest::newRow("QDate invalid") << roundTrip(QDate(), "null");
    QTest::newRow("QTime") << roundTrip(QTime(23, 59, 58, 7), R"("23:59:58.007")");
    QTest::newRow("QUrl") << roundTrip(QUrl(QStringLiteral("https://example.com/a b?q=\u00e9")), R"("https://example.com/a%20b?q=%C3%A9")");
    QTest::newRow("QUrl empty") << roundTrip(QUrl(), R"("")");
    QTest::newRow("QUuid") << roundTrip(QUuid(QStringLiteral("67e55044-10b1-426f-9247-bb680e5fe0c8")), R"("67e55044-10b1-426f-9247-bb680e5fe0c8")");
    QTest::newRow("QUuid nil") << roundTrip(QUuid(), R"("00000000-0000-0000-0000-000000000000")");
    QTest::newRow("gadget string-coded properties") << roundTrip(
        Stamp{utcDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 6)), QDate(2024, 1, 2), QTime(3, 4, 5),
              QUrl(QStringLiteral("file:///tmp/x")), QUuid(QStringLiteral("67e55044-10b1-426f-9247-bb680e5fe0c8"))},
        R"({"at":"2024-01-02T03:04:05.006Z","day":"2024-01-02","time":"03:04:05.000","link":"file:///tmp/x",)"
        R"("id":"67e55044-10b1-426f-9247-bb680e5fe0c8"})");
    QTest::newRow("optional value") << roundTrip(std::optional<int>(4), "4");
    QTest::newRow("optional nullopt") << roundTrip(std::optional<int>(), "null");
    QTest::newRow("QList<int>") << roundTrip(QList<int>{1, 2, 3}, "[1,2,3]");
    QTest::newRow("QList<QList<int>>") << roundTrip(QList<QList<int>>{{1}, {}, {2, 3}}, "[[1],[],[2,3]]");
    QTest::newRow("QList<optional<int>>") << roundTrip(QList<std::optional<int>>{1, std::nullopt}, "[1,null]");
    QTest::newRow("std::vector<QString>") << roundTrip(std::vector<QString>{QStringLiteral("v")}, R"(["v"])");
    QTest::newRow("QMap<QString,int>") << roundTrip(QMap<QString, int>{{QStringLiteral("x"), 1}, {QStringLiteral("y"), 2}}, R"({"x":1,"y":2})");
    QTest::newRow("QHash<QString,QStringList>") << roundTrip(QHash<QString, QStringList>{{QStringLiteral("k"), {QStringLiteral("v")}}}, R"({"k":["v"]})");
    QTest::newRow("gadget") << roundTrip(address(QStringLiteral("Main"), 5), R"({"street":"Main","number":5})");
    QTest::newRow("gadget every property kind") << roundTrip(samplePerson(), samplePersonJson);
    QTest::newRow("gadget default") << roundTrip(Person(), R"({"name":"","age":0,"id":0,"level":0,"score":0,"ratio":0,)"
        R"("active":false,"tags":[],"numbers":[],"home":{"street":"","number":0},"previous":[],"offices":[],)"
        R"("byLabel":{},"extra":{},"raw":{},"favourite":"Red","palette":[]})");
    QTest::newRow("QList<gadget>") << roundTrip(QList<Address>{address(QStringLiteral("A"), 1)}, R"([{"street":"A","number":1}])");
    QTest::newRow("optional<gadget>") << roundTrip(std::optional<Address>(address(QStringLiteral("B"), 2)), R"({"street":"B","number":2})");
    QTest::newRow("QMap<QString,gadget>") << roundTrip(QMap<QString, Address>{{QStringLiteral("h"), address(QStringLiteral("C"), 3)}}, R"({"h":{"street":"C","number":3}})");
}

void tst_QRustJson::everySupportedTypeRoundTrips()
{
    QFETCH(Check, check);
    const QString failure = check();
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void tst_QRustJson::malformedInputIsRejectedNamingTheField_data()
{
    QTest::addColumn<Check>("check");
    QTest::addColumn<QString>("message");

    // Wrong JSON type, one row per expectation.
    QTest::newRow("string got number") << readError<QString>("42") << QStringLiteral("value: expected a string, got number");
    QTest::newRow("string got null") << readError<QString>("null") << QStringLiteral("value: expected a string, got null");
    QTest::newRow("bool got string") << readError<bool>(R"("true")") << QStringLiteral("value: expected a boolean, got string");
    QTest::newRow("bool got number") << readError<bool>("1") << QStringLiteral("value: expected a boolean, got number");
    QTest::newRow("int got string") << readError<int>(R"("1")") << QStringLiteral("value: expected an integer, got string");
    QTest::newRow("double got bool") << readError<double>("true") << QStringLiteral("value: expected a number, got boolean");
    QTest::newRow("object got array") << readError<QJsonObject>("[]") << QStringLiteral("value: expected an object, got array");
    QTest::newRow("array got object") << readError<QJsonArray>("{}") << QStringLiteral("value: expected an array, got object");
    QTest::newRow("list got string") << readError<QList<int>>(R"("1,2")") << QStringLiteral("value: expected an array, got string");
    QTest::newRow("map got array") << readError<QVariantMap>("[1]") << QStringLiteral("value: expected an object, got array");
    QTest::newRow("gadget got array") << readError<Address>("[]", QStringLiteral("result")) << QStringLiteral("result: expected an object, got array");

    // Integers: non-integral and out of range.
    QTest::newRow("int got 2.5") << readError<int>("2.5") << QStringLiteral("value: expected an integer, got 2.5");
    QTest::newRow("int got -0.5") << readError<int>("-0.5") << QStringLiteral("value: expected an integer, got -0.5");
    QTest::newRow("quint8 got 256") << readError<quint8>("256") << QStringLiteral("value: 256 is out of range (0 to 255)");
    QTest::newRow("qint8 got -129") << readError<qint8>("-129") << QStringLiteral("value: -129 is out of range (-128 to 127)");
    QTest::newRow("int got 2^31") << readError<int>("2147483648") << QStringLiteral("value: 2147483648 is out of range (-2147483648 to 2147483647)");
    QTest::newRow("uint got -1") << readError<uint>("-1") << QStringLiteral("value: -1 is out of range (0 to 4294967295)");
    QTest::newRow("quint64 got -1") << readError<quint64>("-1") << QStringLiteral("value: -1 is out of range (0 to 18446744073709551615)");
    QTest::newRow("qint64 got 1e19") << readError<qint64>("1e19") << QStringLiteral("value: 1e+19 is out of range (-9223372036854775808 to 9223372036854775807)");
    QTest::newRow("quint64 got 2^64") << readError<quint64>("18446744073709551616") << QStringLiteral("value: 18446744073709552000 is out of range (0 to 18446744073709551615)");
    QTest::newRow("plain enum out of qint16") << readError<PlainEnum>("40000") << QStringLiteral("value: 40000 is out of range (-32768 to 32767)");
    QTest::newRow("float got 1e39") << readError<float>("1e39") << QStringLiteral("value: 1e+39 is out of range (-3.4028234663852886e+38 to 3.4028234663852886e+38)");

    // String-coded Qt types.
    QTest::newRow("QDateTime garbage") << readError<QDateTime>(R"("yesterday")") << QStringLiteral("value: \"yesterday\" is not an ISO 8601 date and time");
    QTest::newRow("QDateTime month 13") << readError<QDateTime>(R"("2024-13-01T00:00:00Z")") << QStringLiteral("value: \"2024-13-01T00:00:00Z\" is not an ISO 8601 date and time");
    QTest::newRow("QDateTime number") << readError<QDateTime>("1704164645") << QStringLiteral("value: expected a string, got number");
    QTest::newRow("QDate Feb 30") << readError<QDate>(R"("2023-02-30")") << QStringLiteral("value: \"2023-02-30\" is not an ISO 8601 date");
    QTest::newRow("QTime 25h") << readError<QTime>(R"("25:00:00")") << QStringLiteral("value: \"25:00:00\" is not an ISO 8601 time");
    QTest::newRow("QUrl invalid") << readError<QUrl>(R"("http://[::1")") << QStringLiteral("value: \"http://[::1\" is not a valid URL");
    QTest::newRow("QUuid invalid") << readError<QUuid>(R"("not-a-uuid")") << QStringLiteral("value: \"not-a-uuid\" is not a UUID");
    QTest::newRow("gadget QDateTime field") << readError<Stamp>(R"({"at":"soon","day":null,"time":null,"link":"","id":"00000000-0000-0000-0000-000000000000"})")
                                            << QStringLiteral("value.at: \"soon\" is not an ISO 8601 date and time");

    // Paths into containers.
    QTest::newRow("list index") << readError<QList<int>>(R"([1,2,"3"])") << QStringLiteral("value[2]: expected an integer, got string");
    QTest::newRow("nested list index") << readError<QList<QList<int>>>("[[1],[2,2.5]]") << QStringLiteral("value[1][1]: expected an integer, got 2.5");
    QTest::newRow("QStringList index") << readError<QStringList>(R"(["a",null])") << QStringLiteral("value[1]: expected a string, got null");
    QTest::newRow("map key") << readError<QMap<QString, int>>(R"({"ok":1,"bad":true})") << QStringLiteral("value.bad: expected an integer, got boolean");
    QTest::newRow("map key quoted") << readError<QHash<QString, int>>(R"({"two words":"x"})") << QStringLiteral("value[\"two words\"]: expected an integer, got string");
    QTest::newRow("optional wrong type") << readError<std::optional<int>>(R"("x")") << QStringLiteral("value: expected an integer, got string");

    // Paths into gadgets, including the runtime (property) path.
    QTest::newRow("gadget field") << readError<Address>(R"({"street":7,"number":1})", QStringLiteral("result"))
                                  << QStringLiteral("result.street: expected a string, got number");
    QTest::newRow("gadget missing key") << readError<Address>(R"({"street":"x"})", QStringLiteral("result"))
                                        << QStringLiteral("result.number: required field is missing");
    QTest::newRow("gadget null field") << readError<Person>(personJsonWith(R"("name":"Ada")", R"("name":null)"), QStringLiteral("result"))
                                       << QStringLiteral("result.name: expected a string, got null");
    QTest::newRow("nested gadget field") << readError<Person>(personJsonWith(R"("number":12)", R"("number":"12")"), QStringLiteral("result"))
                                         << QStringLiteral("result.home.number: expected an integer, got string");
    QTest::newRow("nested gadget missing key") << readError<Person>(personJsonWith(R"("street":"St James Square",)", ""), QStringLiteral("result"))
                                               << QStringLiteral("result.home.street: required field is missing");
    QTest::newRow("gadget list index") << readError<Person>(personJsonWith(R"("street":"Ockham")", R"("street":false)"), QStringLiteral("result"))
                                       << QStringLiteral("result.previous[1].street: expected a string, got boolean");
    QTest::newRow("gadget vector index") << readError<Person>(personJsonWith(R"("street":"London","number":3)", R"("street":"London")"), QStringLiteral("result"))
                                         << QStringLiteral("result.offices[0].number: required field is missing");
    QTest::newRow("gadget map key") << readError<Person>(personJsonWith(R"({"street":"Kirkby","number":4})", "[]"), QStringLiteral("result"))
                                    << QStringLiteral("result.byLabel.summer: expected an object, got array");
    QTest::newRow("gadget QList<int> index") << readError<Person>(personJsonWith("[1,-2,3]", "[1,-2,3.5]"), QStringLiteral("result"))
                                             << QStringLiteral("result.numbers[2]: expected an integer, got 3.5");
    QTest::newRow("gadget QStringList index") << readError<Person>(personJsonWith(R"(["math","engines"])", R"(["math",1])"), QStringLiteral("result"))
                                              << QStringLiteral("result.tags[1]: expected a string, got number");
    QTest::newRow("gadget quint8 out of range") << readError<Person>(personJsonWith(R"("level":255)", R"("level":256)"), QStringLiteral("result"))
                                                << QStringLiteral("result.level: 256 is out of range (0 to 255)");
    QTest::newRow("gadget int non-integral") << readError<Person>(personJsonWith(R"("age":36)", R"("age":36.6)"), QStringLiteral("result"))
                                             << QStringLiteral("result.age: expected an integer, got 36.6");
    QTest::newRow("gadget QJsonObject field") << readError<Person>(personJsonWith(R"("raw":{"free":[true,null]})", R"("raw":"{}")"), QStringLiteral("result"))
                                              << QStringLiteral("result.raw: expected an object, got string");
    QTest::newRow("gadget enum unknown name") << readError<Person>(personJsonWith(R"("favourite":"Blue")", R"("favourite":"Purple")"), QStringLiteral("result"))
                                              << QStringLiteral("result.favourite: \"Purple\" is not one of Red, Green, Blue");
    QTest::newRow("gadget enum list index") << readError<Person>(personJsonWith(R"(["Green","Red"])", R"(["Green",true])"), QStringLiteral("result"))
                                            << QStringLiteral("result.palette[1]: expected an enumerator name, got boolean");
    QTest::newRow("enum unknown value") << readError<Palette::Color>("7") << QStringLiteral("value: 7 is not one of Red, Green, Blue");
    QTest::newRow("default path") << readError<QList<Address>>(R"([{"street":"a","number":1},{"street":"b"}])")
                                  << QStringLiteral("value[1].number: required field is missing");
}

void tst_QRustJson::malformedInputIsRejectedNamingTheField()
{
    QFETCH(Check, check);
    QFETCH(QString, message);
    QCOMPARE(check(), message);
}

void tst_QRustJson::optionalIsNulloptForNullAndMissing()
{
    QCOMPARE(qRustFromJson<std::optional<int>>(QJsonValue(QJsonValue::Null)), std::nullopt);
    QCOMPARE(qRustFromJson<std::optional<int>>(QJsonValue(QJsonValue::Undefined)), std::nullopt);
    QCOMPARE(qRustFromJson<std::optional<int>>(QJsonValue(0)), std::optional<int>(0));
    QCOMPARE(qRustFromJson<std::optional<QString>>(QJsonValue(QString())), std::optional<QString>(QString()));
    // Inside a map, a missing key is simply absent; a null value is nullopt.
    const auto map = qRustFromJson<QMap<QString, std::optional<int>>>(parse(R"({"a":null,"b":2})"));
    QCOMPARE(map.size(), 2);
    QCOMPARE(map.value(QStringLiteral("a")), std::nullopt);
    QCOMPARE(map.value(QStringLiteral("b")), std::optional<int>(2));
}

void tst_QRustJson::optionalPropagatesErrorsOfItsValue()
{
    QCOMPARE(readError<std::optional<Address>>(R"({"street":1,"number":1})")(),
             QStringLiteral("value.street: expected a string, got number"));
    QCOMPARE(readError<QList<std::optional<int>>>(R"([null,1,"2"])")(),
             QStringLiteral("value[2]: expected an integer, got string"));
}

void tst_QRustJson::integersUpTo2Pow53RoundTripThroughDoubles_data()
{
    QTest::addColumn<qint64>("value");
    const qint64 p53 = qint64(1) << 53;
    QTest::newRow("2^53") << p53;
    QTest::newRow("2^53-1") << p53 - 1;
    QTest::newRow("-2^53") << -p53;
    QTest::newRow("-(2^53-1)") << -(p53 - 1);
}

void tst_QRustJson::integersUpTo2Pow53RoundTripThroughDoubles()
{
    // A peer that only has doubles (JavaScript) writes them as doubles, e.g.
    // "9007199254740992.0" or "9.007199254740992e15": exact up to 2^53.
    QFETCH(qint64, value);
    const double asDouble = double(value);
    QCOMPARE(qint64(asDouble), value);
    QCOMPARE(qRustFromJson<qint64>(QJsonValue(asDouble)), value);
    QCOMPARE(qRustFromJson<qint64>(parse(QByteArray::number(asDouble, 'f', 1))), value);
    QCOMPARE(qRustFromJson<qint64>(parse(QByteArray::number(asDouble, 'e', 15))), value);
    QCOMPARE(qRustFromJson<double>(qRustToJson(value)), asDouble);
}

void tst_QRustJson::int64RoundTripsExactlyThroughQtJsonText()
{
    // Qt keeps integers in the qint64 range exact through text, beyond 2^53.
    for (const qint64 value : {(qint64(1) << 53) + 1, std::numeric_limits<qint64>::max() - 1,
                               std::numeric_limits<qint64>::min() + 1}) {
        const QByteArray text = compact(qRustToJson(value));
        QCOMPARE(text, "[" + QByteArray::number(value) + "]");
        QCOMPARE(qRustFromJson<qint64>(parse(QByteArray::number(value))), value);
    }
    // A double that is not exactly an integer past 2^53 cannot exist; the
    // nearest doubles are accepted as the integers they are.
    QCOMPARE(qRustFromJson<qint64>(QJsonValue(9007199254740993.0)), qint64(9007199254740992));
}

void tst_QRustJson::quint64BeyondInt64TravelsAsDouble()
{
    const quint64 big = (quint64(1) << 63) + 2048; // representable as a double
    const QJsonValue json = qRustToJson(big);
    QVERIFY(json.toVariant().metaType() == QMetaType::fromType<double>());
    QCOMPARE(qRustFromJson<quint64>(json), big);
    // The largest quint64 rounds up to 2^64, which no longer fits.
    QCOMPARE(readError<quint64>(compact(qRustToJson(std::numeric_limits<quint64>::max())).mid(1).chopped(1))(),
             QStringLiteral("value: 18446744073709552000 is out of range (0 to 18446744073709551615)"));
}

void tst_QRustJson::nonFiniteDoublesAreWrittenAsNull()
{
    QCOMPARE(compact(qRustToJson(qQNaN())), QByteArray("[null]"));
    QCOMPARE(compact(qRustToJson(qInf())), QByteArray("[null]"));
    QCOMPARE(readError<double>("null")(), QStringLiteral("value: expected a number, got null"));
}

void tst_QRustJson::variantMapKeepsNestedValues()
{
    const QByteArray json = R"({"int":1,"big":9007199254740993,"real":2.5,"text":"t","flag":false,"none":null,)"
                            R"("list":[1,[2],{"x":"y"}],"map":{"deep":{"deeper":[true]}}})";
    const QVariantMap map = qRustFromJson<QVariantMap>(parse(json));
    QCOMPARE(map.value(QStringLiteral("int")), QVariant(qlonglong(1)));
    QCOMPARE(map.value(QStringLiteral("big")).toLongLong(), qlonglong(9007199254740993));
    QCOMPARE(map.value(QStringLiteral("real")), QVariant(2.5));
    QCOMPARE(map.value(QStringLiteral("text")), QVariant(QStringLiteral("t")));
    QCOMPARE(map.value(QStringLiteral("flag")), QVariant(false));
    QVERIFY(map.value(QStringLiteral("none")).isNull());
    const QVariantList list = map.value(QStringLiteral("list")).toList();
    QCOMPARE(list.size(), 3);
    QCOMPARE(list.at(1).toList().value(0), QVariant(qlonglong(2)));
    QCOMPARE(list.at(2).toMap().value(QStringLiteral("x")), QVariant(QStringLiteral("y")));
    QCOMPARE(map.value(QStringLiteral("map")).toMap().value(QStringLiteral("deep")).toMap().value(QStringLiteral("deeper")).toList(),
             QVariantList{true});
    // And back to the same JSON.
    QCOMPARE(compact(qRustToJson(map)), compact(parse(json)));
}

void tst_QRustJson::gadgetMissingKeyIsAnErrorExceptForJsonValueAndVariant()
{
    const Lenient missing = qRustFromJson<Lenient>(parse("{}"));
    QVERIFY(missing.anything.isUndefined());
    QVERIFY(!missing.variant.isValid());

    const Lenient nulls = qRustFromJson<Lenient>(parse(R"({"anything":null,"variant":null})"));
    QVERIFY(nulls.anything.isNull());
    QVERIFY(nulls.variant.isValid());
    QVERIFY(nulls.variant.isNull());

    const Lenient values = qRustFromJson<Lenient>(parse(R"({"anything":[1],"variant":{"k":2}})"));
    QCOMPARE(values.anything, QJsonValue(QJsonArray{1}));
    QCOMPARE(values.variant.toMap().value(QStringLiteral("k")), QVariant(qlonglong(2)));

    // An Undefined QJsonValue property is left out when writing.
    QCOMPARE(compact(qRustToJson(missing)), QByteArray(R"([{"computed":"computed","variant":null}])"));
}

void tst_QRustJson::gadgetIgnoresUnknownKeysAndReadOnlyAndUnstoredProperties()
{
    const Address a = qRustFromJson<Address>(parse(R"({"street":"s","number":1,"zip":"ignored"})"));
    QCOMPARE(a, address(QStringLiteral("s"), 1));

    Lenient lenient;
    lenient.cache = QStringLiteral("not serialized");
    lenient.anything = 1;
    const QJsonObject written = qRustToJson(lenient).toObject();
    QVERIFY(!written.contains(QStringLiteral("cache")));
    QCOMPARE(written.value(QStringLiteral("computed")), QJsonValue(QStringLiteral("computed")));
    // Read-only and unstored properties are neither required nor read.
    const Lenient read = qRustFromJson<Lenient>(parse(R"({"computed":5,"cache":"c"})"));
    QVERIFY(read.cache.isEmpty());
}

void tst_QRustJson::gadgetPropertyWithoutConversionThrowsInBothDirections()
{
    try {
        qRustToJson(Drawing());
        QFAIL("writing a QPoint property did not throw");
    } catch (const QRustBridgeError &e) {
        QCOMPARE(e.code(), QRustBridgeError::Code::ProtocolError);
        QCOMPARE(e.message(), QStringLiteral("Drawing.origin: the type QPoint has no JSON conversion"));
    }
    QCOMPARE(readError<Drawing>(R"({"origin":[1,2]})")(),
             QStringLiteral("value.origin: the type QPoint has no JSON conversion"));
}

void tst_QRustJson::gadgetPropertyUsesRegisteredQMetaTypeConverters()
{
    Weather weather;
    weather.temperature.degrees = 21.5;
    QCOMPARE(compact(qRustToJson(weather)), QByteArray(R"([{"temperature":21.5}])"));
    QCOMPARE(qRustFromJson<Weather>(parse(R"({"temperature":-3})")).temperature.degrees, -3.0);
}

void tst_QRustJson::enumAcceptsNameOrKnownValue()
{
    QCOMPARE(qRustFromJson<Palette::Color>(parse(R"("Blue")")), Palette::Color::Blue);
    QCOMPARE(qRustFromJson<Palette::Color>(parse("1")), Palette::Color::Green);
    QCOMPARE(qRustFromJson<PlainEnum>(parse("-5")), PlainLow);
    QCOMPARE(readError<PlainEnum>(R"("PlainLow")")(), QStringLiteral("value: expected an integer, got string"));
    QCOMPARE(readError<Palette::Color>("null")(), QStringLiteral("value: expected an enumerator name, got null"));
}

void tst_QRustJson::dateTimeReadsOtherIso8601Forms()
{
    // chrono writes microseconds; Qt keeps milliseconds (rounded).
    QCOMPARE(qRustFromJson<QDateTime>(parse(R"("2024-01-02T03:04:05.678901Z")")),
             utcDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 679)));
    QCOMPARE(qRustFromJson<QDateTime>(parse(R"("2024-01-02T03:04:05+02:00")")).toMSecsSinceEpoch(),
             utcDateTime(QDate(2024, 1, 2), QTime(1, 4, 5)).toMSecsSinceEpoch());
    QCOMPARE(qRustFromJson<QUuid>(parse(R"("{67e55044-10b1-426f-9247-bb680e5fe0c8}")")),
             QUuid(QStringLiteral("67e55044-10b1-426f-9247-bb680e5fe0c8")));
}

void tst_QRustJson::errorMessagesAreTranslatable()
{
    // A translator for context "QRustBridge" (QRustBridge::tr) changes the messages.
    class Translator : public QTranslator
    {
    public:
        bool isEmpty() const override { return false; }
        QString translate(const char *context, const char *source, const char *, int) const override
        {
            if (qstrcmp(context, "QRustBridge") == 0 && qstrcmp(source, "%1: expected a string, got %2") == 0)
                return QStringLiteral("%1 : une cha\u00eene \u00e9tait attendue, re\u00e7u %2");
            return QString();
        }
    } translator;
    QVERIFY(QCoreApplication::installTranslator(&translator));
    const QString message = readError<QString>("1")();
    QCoreApplication::removeTranslator(&translator);
    QCOMPARE(message, QStringLiteral("value : une cha\u00eene \u00e9tait attendue, re\u00e7u number"));
}

QTEST_GUILESS_MAIN(tst_QRustJson)
#include "tst_qrustjson.moc"
