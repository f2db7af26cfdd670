#include "messagecodec_p.h"

#include "jsonwriter_p.h"
#include "plainbytes_p.h"
#include "tr_p.h"

#include <QtCore/QtAlgorithms>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <cstring>


namespace {

bool parseId(const QJsonValue &value, quint64 &id)
{
    if (!value.isString())
        return false;
    bool ok = false;
    id = value.toString().toULongLong(&ok);
    return ok;
}

// --- reading: the fast path -------------------------------------------------------
// Successful responses and stream chunks hold exactly these members, in
// any order:
//   {"id":"<digits>","success":true,"result":<value>}
//   {"id":"<digits>","stream":true,"data":<value>}
// For those only <value> is parsed (and plain ASCII strings, numbers and
// literals not even that), instead of a QJsonDocument for the envelope plus
// four key look-ups. Anything else, including a <value> followed by more
// keys, takes the general path below, so the outcome is always the same.

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void skipSpace(const char *&p, const char *end)
{
    while (p != end && isJsonSpace(*p))
        ++p;
}

bool skipLiteral(const char *&p, const char *end, const char *literal, std::size_t length)
{
    if (std::size_t(end - p) < length || std::memcmp(p, literal, length) != 0)
        return false;
    p += length;
    return true;
}

// A string without escapes whose bytes are all plain (see plainAsciiRun), as
// Latin-1: exactly what Qt's parser would produce, without a UTF-16 detour
// (Qt's parser keeps these bytes byte for byte).
bool parsePlainString(const char *&p, const char *end, QLatin1StringView &out)
{
    if (p == end || *p != '"')
        return false;
    const qsizetype length = plainAsciiRun(p + 1, end, '"');
    const char *closing = p + 1 + length;
    if (closing == end || *closing != '"')
        return false;
    out = QLatin1StringView(p + 1, length);
    p = closing + 1;
    return true;
}

// Integers of up to 15 digits are exact in both qint64 and double, so Qt's
// parser stores them as this same integer.
bool parseSmallInteger(const char *&p, const char *end, QJsonValue &out)
{
    const char *q = p;
    const bool negative = q != end && *q == '-';
    if (negative)
        ++q;
    const char *digits = q;
    qint64 value = 0;
    while (q != end && *q >= '0' && *q <= '9' && q - digits < 16)
        value = value * 10 + (*q++ - '0');
    const qsizetype count = q - digits;
    if (count < 1 || count > 15 || (*digits == '0' && count > 1))
        return false;
    if (q != end && (*q == '.' || *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9')))
        return false;  // a fraction, an exponent or more digits: Qt's parser decides
    if (negative && value == 0)
        return false;  // -0: leave the double-or-integer question to Qt's parser
    out = QJsonValue(negative ? -value : value);
    p = q;
    return true;
}

// One plain string, small integer or literal at `p`; advances past it.
bool parseScalar(const char *&p, const char *end, QJsonValue &out)
{
    if (p == end)
        return false;
    switch (*p) {
    case '"': {
        QLatin1StringView text;
        if (!parsePlainString(p, end, text))
            return false;
        out = QJsonValue(text);
        return true;
    }
    case 't':
        out = QJsonValue(true);
        return skipLiteral(p, end, "true", 4);
    case 'f':
        out = QJsonValue(false);
        return skipLiteral(p, end, "false", 5);
    case 'n':
        out = QJsonValue(QJsonValue::Null);
        return skipLiteral(p, end, "null", 4);
    default:
        return parseSmallInteger(p, end, out);
    }
}

bool parseValue(const char *p, const char *end, QJsonValue &out)
{
    skipSpace(p, end);
    while (end != p && isJsonSpace(end[-1]))
        --end;
    if (p == end)
        return false;
    // Objects and arrays: Qt's parser. Building them here is no faster
    // (QJsonObject::insert() costs as much as parsing a small object), and
    // a big string value would be copied twice (into a QJsonValue, then
    // into the object), a transient 50 MiB more for a 50 MiB reply.
    if (*p == '{' || *p == '[') {
        QJsonParseError error;
        const QJsonDocument document =
            QJsonDocument::fromJson(QByteArray::fromRawData(p, end - p), &error);
        if (error.error != QJsonParseError::NoError)
            return false;
        out = document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
        return true;
    }
    const char *q = p;
    return parseScalar(q, end, out) && q == end;
}

// Past the string that starts at `p` (its opening quote); nullptr if it is
// not closed. Escapes are stepped over, not checked: the value's parser does that.
const char *skipString(const char *p, const char *end)
{
    ++p;
    for (;;) {
        const auto *quote = static_cast<const char *>(std::memchr(p, '"', std::size_t(end - p)));
        if (!quote)
            return nullptr;
        const char *run = quote;  // an odd run of backslashes escapes the quote
        while (run != p && run[-1] == '\\')
            --run;
        if ((quote - run) % 2 == 0)
            return quote + 1;
        p = quote + 1;
    }
}

// The end of the value that starts at `p`: where its brackets close, its
// string ends, or (a scalar) the next separator. nullptr if it does not
// end. Only finds the extent; parseValue() judges the text.
const char *skipValue(const char *p, const char *end)
{
    int depth = 0;
    while (p != end) {
        switch (*p) {
        case '"':
            p = skipString(p, end);
            if (!p)
                return nullptr;
            if (depth == 0)
                return p;
            continue;
        case '{':
        case '[':
            ++depth;
            break;
        case '}':
        case ']':
            if (depth == 0)
                return p;  // a scalar ends at its object's brace
            if (--depth == 0)
                return p + 1;
            break;
        case ',':
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            if (depth == 0)
                return p;
            break;
        default:
            break;
        }
        ++p;
    }
    return depth == 0 ? p : nullptr;
}

bool parseIdString(const char *&p, const char *end, quint64 &id)
{
    if (p == end || *p++ != '"')
        return false;
    const char *digits = p;
    id = 0;
    while (p != end && *p >= '0' && *p <= '9' && p - digits < 19)
        id = id * 10 + quint64(*p++ - '0');
    return p != digits && p != end && *p++ == '"';
}

bool decodeFast(const QByteArray &line, InboundMessage &out)
{
    // Members in any order (serde_json's json! sorts them, structs keep
    // theirs), each at most once, and no others.
    enum Member : unsigned { Id = 1, Stream = 2, Data = 4, Success = 8, Result = 16 };
    const char *p = line.constData();
    const char *end = p + line.size();
    skipSpace(p, end);
    if (p == end || *p++ != '{')
        return false;
    unsigned seen = 0;
    quint64 id = 0;
    const char *valueBegin = nullptr;
    const char *valueEnd = nullptr;
    for (;;) {
        skipSpace(p, end);
        QLatin1StringView key;
        if (!parsePlainString(p, end, key))
            return false;
        skipSpace(p, end);
        if (p == end || *p++ != ':')
            return false;
        skipSpace(p, end);
        unsigned member;
        if (key == QLatin1StringView("id")) {
            member = Id;
            if (!parseIdString(p, end, id))
                return false;
        } else if (key == QLatin1StringView("data") || key == QLatin1StringView("result")) {
            member = key.size() == 4 ? Data : Result;
            valueBegin = p;
            valueEnd = p = skipValue(p, end);
            if (!p)
                return false;
        } else if (key == QLatin1StringView("stream") || key == QLatin1StringView("success")) {
            member = key.size() == 6 ? Stream : Success;
            if (!skipLiteral(p, end, "true", 4))
                return false;  // false: the general path says what that means
        } else {
            return false;
        }
        if (seen & member)
            return false;
        seen |= member;
        skipSpace(p, end);
        if (p != end && *p == ',') {
            ++p;
            continue;
        }
        if (p == end || *p++ != '}')
            return false;
        break;
    }
    skipSpace(p, end);
    if (p != end)
        return false;
    InboundMessage::Kind kind;
    if (seen == (Id | Stream | Data))
        kind = InboundMessage::Kind::Chunk;
    else if (seen == (Id | Success | Result))
        kind = InboundMessage::Kind::Response;
    else
        return false;
    QJsonValue value;
    if (!parseValue(valueBegin, valueEnd, value))
        return false;
    out.value = std::move(value);
    out.kind = kind;
    out.id = id;
    out.success = kind == InboundMessage::Kind::Response;
    return true;
}

} // namespace

QString MessageCodec::requestIdString(quint64 id)
{
    return QString::number(id);
}

void MessageCodec::appendRequest(QByteArray &out, const OutboundRequest &request, JsonWriter &writer)
{
    out += "{\"id\":\"";
    out += QByteArray::number(request.id);
    out += "\",\"method\":";
    JsonWriter::appendString(out, request.method);
    out += ",\"params\":";
    writer.appendValue(out, request.params);
    out += "}\n";
}

void MessageCodec::appendRequest(QByteArray &out, const OutboundRequest &request)
{
    JsonWriter writer;
    appendRequest(out, request, writer);
}

bool MessageCodec::decode(const QByteArray &line, InboundMessage &out, QString &problem)
{
    if (decodeFast(line, out))
        return true;

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        problem = QStringLiteral("not JSON (%1 at offset %2)").arg(parseError.errorString()).arg(parseError.offset);
        return false;
    }
    if (!document.isObject()) {
        problem = QStringLiteral("JSON but not an object");
        return false;
    }
    const QJsonObject object = document.object();

    const auto eventIt = object.constFind(QLatin1String("event"));
    if (eventIt != object.constEnd()) {
        if (!eventIt->isString() || eventIt->toString().isEmpty()) {
            problem = QStringLiteral("event without a name");
            return false;
        }
        out.kind = InboundMessage::Kind::Event;
        out.text = eventIt->toString();
        out.value = object.value(QLatin1String("data"));
        return true;
    }

    const QJsonValue idValue = object.value(QLatin1String("id"));
    if (!parseId(idValue, out.id)) {
        problem = idValue.isUndefined() ? QStringLiteral("neither event nor id")
                                        : QStringLiteral("id that this bridge never sent");
        return false;
    }
    if (object.value(QLatin1String("stream")).toBool(false)) {
        out.kind = InboundMessage::Kind::Chunk;
        out.value = object.value(QLatin1String("data"));
        return true;
    }
    const QJsonValue success = object.value(QLatin1String("success"));
    if (!success.isBool()) {
        out.kind = InboundMessage::Kind::RequestFailed;
        out.setError(QRustBridgeError(QRustBridgeError::Code::ProtocolError,
                                      QRustBridgeTr::tr("the backend's response has no boolean \"success\" field")));
        return true;
    }
    out.kind = InboundMessage::Kind::Response;
    out.success = success.toBool();
    if (out.success) {
        out.value = object.value(QLatin1String("result"));
    } else {
        const QJsonValue error = object.value(QLatin1String("error"));
        if (error.isString()) {
            out.value = error;
        } else {
            QByteArray text;
            JsonWriter().appendValue(text, error);
            out.value = QString::fromUtf8(text);
        }
        // Structured errors (DESIGN.md §1): optional, beside the string
        // "error". A code that is not a string is ignored, not guessed at.
        const QJsonValue code = object.value(QLatin1String("errorCode"));
        const QJsonValue data = object.value(QLatin1String("errorData"));
        const QString remoteCode = code.isString() ? code.toString() : QString();
        if (!remoteCode.isEmpty() || !data.isUndefined()) {
            QRustBridgeError detail(QRustBridgeError::Code::Remote, out.value.toString());
            detail.setRemoteDetails(remoteCode, data);
            out.setError(std::move(detail));
        }
    }
    return true;
}
