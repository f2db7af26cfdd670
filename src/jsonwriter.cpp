#include "jsonwriter_p.h"

#include "largebuffer_p.h"
#include "plainbytes_p.h"

#include <QtCore/QCborArray>
#include <QtCore/QCborMap>
#include <QtCore/QCborStreamWriter>
#include <QtCore/QCborValue>
#include <QtCore/QIODevice>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace {

char hexDigit(uint value)
{
    return char(value < 10 ? '0' + value : 'a' + value - 10);
}

bool isPlainJsonChar(char16_t u)
{
    return u >= 0x20 && u < 0x80 && u != '"' && u != '\\';
}

#if defined(__SSE2__)
// True if all eight UTF-16 units are plain (see isPlainJsonChar). Signed
// compares: units from 0x8000 up are negative, hence not plain either.
bool allPlain(__m128i units)
{
    const __m128i inRange = _mm_and_si128(_mm_cmpgt_epi16(units, _mm_set1_epi16(0x1f)),
                                          _mm_cmplt_epi16(units, _mm_set1_epi16(0x80)));
    const __m128i special = _mm_or_si128(_mm_cmpeq_epi16(units, _mm_set1_epi16('"')),
                                         _mm_cmpeq_epi16(units, _mm_set1_epi16('\\')));
    return _mm_movemask_epi8(_mm_andnot_si128(special, inRange)) == 0xffff;
}
#endif

// Writes the escape Qt's JSON writer uses for a quote, a backslash or a
// control character; returns the new end. At most six bytes.
char *writeAsciiEscape(char *dst, char16_t u)
{
    *dst++ = '\\';
    switch (u) {
    case '"': *dst++ = '"'; break;
    case '\\': *dst++ = '\\'; break;
    case '\b': *dst++ = 'b'; break;
    case '\f': *dst++ = 'f'; break;
    case '\n': *dst++ = 'n'; break;
    case '\r': *dst++ = 'r'; break;
    case '\t': *dst++ = 't'; break;
    default:
        *dst++ = 'u';
        *dst++ = '0';
        *dst++ = '0';
        *dst++ = hexDigit(u >> 4);
        *dst++ = hexDigit(u & 0xf);
    }
    return dst;
}

// Grows `out` by `bytes` (through LargeBuffer: big strings land on huge
// pages) and returns where they start; `limit` becomes the new end. The
// writer trims the unused rest with out.resize(cursor - out.constData()).
char *appendRoom(QByteArray &out, qsizetype bytes, char *&limit)
{
    const qsizetype start = out.size();
    LargeBuffer::reserveForAppend(out, bytes);
    out.resize(start + bytes);
    limit = out.data() + out.size();
    return out.data() + start;
}

// The writers below fill `out` through a raw cursor with the invariant that
// there is room for every remaining input unit as one byte plus the closing
// quote, so plain runs copy without any check. Before a wider write they
// call this with `needed` = the rest's budget plus that write's worst case.
void ensureRoom(QByteArray &out, char *&dst, char *&limit, qsizetype needed)
{
    if (limit - dst >= needed)
        return;
    const qsizetype used = dst - out.data();
    out.resize(qMax(used + needed, out.size() + out.size() / 2));
    dst = out.data() + used;
    limit = out.data() + out.size();
}

} // namespace

// Receives what QCborStreamWriter writes for one text string (a CBOR head,
// then the UTF-8 bytes) and escapes the bytes as JSON into the current
// output buffer. A string Qt stores as US-ASCII arrives as a pointer into
// Qt's own storage; a UTF-16 one arrives converted to UTF-8, where Qt has
// replaced each lone surrogate with '?'. So a '?' makes the sink refuse the
// string: the caller then writes it from toString(), where a lone surrogate
// can be told apart (and is escaped as \uXXXX, as Qt's JSON writer does).
class CborTextSink final : public QIODevice
{
public:
    CborTextSink() { open(QIODevice::WriteOnly | QIODevice::Unbuffered); }

    // Starts a string: its bytes go to the end of `out`, after the opening
    // quote the caller already wrote.
    void begin(QByteArray *out)
    {
        m_out = out;
        m_headBytesLeft = -1;
        m_refused = false;
    }
    // Ends it; false if the caller must write the string another way.
    bool finish()
    {
        m_out = nullptr;
        return !m_refused;
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }

    qint64 writeData(const char *data, qint64 length) override
    {
        const char *p = data;
        const char *const end = data + length;
        if (m_headBytesLeft < 0 && p != end)
            m_headBytesLeft = headLength(uchar(*p));
        // The head's length bytes are not needed: the payload arrives whole.
        const qint64 skipped = qMin<qint64>(m_headBytesLeft, end - p);
        p += skipped;
        m_headBytesLeft -= skipped;
        if (p != end && !m_refused && m_out)
            appendPayload(p, end);
        return length;
    }

private:
    // Bytes of a CBOR text string's head (RFC 8949 §3): the initial byte,
    // then 0, 1, 2, 4 or 8 length bytes.
    qint64 headLength(uchar initial)
    {
        const uchar info = initial & 0x1f;
        if ((initial >> 5) != 3 || info > 27) {
            m_refused = true;  // not a definite-length text string: never expected
            return 0;
        }
        return 1 + (info < 24 ? 0 : qint64(1) << (info - 24));
    }

    void appendPayload(const char *p, const char *const end)
    {
        QByteArray &out = *m_out;
        char *limit = nullptr;
        char *dst = appendRoom(out, (end - p) + 1, limit);
        while (true) {
            // The bulk of a long string: plain ASCII, copied as it is.
            const qsizetype run = plainAsciiRun(p, end, '?');
            std::memcpy(dst, p, size_t(run));
            p += run;
            dst += run;
            // Then DEL and UTF-8 bytes (from 0x80 up), also copied as they are.
            while (p != end && uchar(*p) >= 0x7f)
                *dst++ = *p++;
            if (p == end)
                break;
            const char c = *p;
            if (c != '?' && isPlainJsonChar(uchar(c)))
                continue;  // plain ASCII again after the UTF-8
            ++p;
            if (c == '?') {
                m_refused = true;
                break;
            }
            ensureRoom(out, dst, limit, (end - p) + 1 + 6);
            dst = writeAsciiEscape(dst, char16_t(c));
        }
        out.resize(dst - out.constData());
    }

    QByteArray *m_out = nullptr;
    qint64 m_headBytesLeft = -1;
    bool m_refused = false;
};

JsonWriter::JsonWriter() = default;
JsonWriter::~JsonWriter() = default;

void JsonWriter::appendString(QByteArray &out, QStringView s)
{
    const char16_t *src = s.utf16();
    const char16_t *const end = src + s.size();
    char *limit = nullptr;
    char *dst = appendRoom(out, s.size() + 2, limit);
    *dst++ = '"';
    while (true) {
#if defined(__SSE2__)
        // Sixteen plain characters at a time.
        while (end - src >= 16) {
            const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src));
            const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + 8));
            if (!allPlain(low) || !allPlain(high))
                break;
            _mm_storeu_si128(reinterpret_cast<__m128i *>(dst), _mm_packus_epi16(low, high));
            src += 16;
            dst += 16;
        }
#endif
        while (src != end && isPlainJsonChar(*src))
            *dst++ = char(*src++);
        if (src == end)
            break;
        const char16_t u = *src++;
        ensureRoom(out, dst, limit, (end - src) + 1 + 6);
        if (u < 0x80) {
            dst = writeAsciiEscape(dst, u);
        } else if (u < 0x800) {
            *dst++ = char(0xc0 | (u >> 6));
            *dst++ = char(0x80 | (u & 0x3f));
        } else if (!QChar::isSurrogate(u)) {
            *dst++ = char(0xe0 | (u >> 12));
            *dst++ = char(0x80 | ((u >> 6) & 0x3f));
            *dst++ = char(0x80 | (u & 0x3f));
        } else if (QChar::isHighSurrogate(u) && src != end && QChar::isLowSurrogate(*src)) {
            // Four bytes for two characters: within the budget of one byte each plus six.
            const char32_t c = QChar::surrogateToUcs4(u, *src++);
            *dst++ = char(0xf0 | (c >> 18));
            *dst++ = char(0x80 | ((c >> 12) & 0x3f));
            *dst++ = char(0x80 | ((c >> 6) & 0x3f));
            *dst++ = char(0x80 | (c & 0x3f));
        } else {
            *dst++ = '\\';
            *dst++ = 'u';
            *dst++ = hexDigit((u >> 12) & 0xf);
            *dst++ = hexDigit((u >> 8) & 0xf);
            *dst++ = hexDigit((u >> 4) & 0xf);
            *dst++ = hexDigit(u & 0xf);
        }
    }
    *dst++ = '"';
    out.resize(dst - out.constData());
}

void JsonWriter::appendValue(QByteArray &out, const QJsonValue &value)
{
    // Objects and arrays share their storage with the CBOR view (no copy);
    // a bare string has no such view, so it goes through toString().
    switch (value.type()) {
    case QJsonValue::Object:
        appendCborValue(out, QCborMap::fromJsonObject(value.toObject()));
        return;
    case QJsonValue::Array:
        appendCborValue(out, QCborArray::fromJsonArray(value.toArray()));
        return;
    case QJsonValue::String:
        appendString(out, value.toString());
        return;
    default:
        appendCborValue(out, QCborValue::fromJsonValue(value));
        return;
    }
}

void JsonWriter::appendCborValue(QByteArray &out, const QCborValue &value)
{
    switch (value.type()) {
    case QCborValue::False:
        out += "false";
        return;
    case QCborValue::True:
        out += "true";
        return;
    case QCborValue::Integer:
        out += QByteArray::number(value.toInteger());
        return;
    case QCborValue::Double: {
        const QJsonValue number(value.toDouble());
        const QCborValue normalized = QCborValue::fromJsonValue(number);
        if (normalized.isInteger()) {
            out += QByteArray::number(normalized.toInteger());
        } else {
            // Non-integral doubles: Qt's own formatting, so the bytes stay identical.
            const QByteArray wrapped = QJsonDocument(QJsonArray{number}).toJson(QJsonDocument::Compact);
            out.append(wrapped.constData() + 1, wrapped.size() - 2);
        }
        return;
    }
    case QCborValue::String:
        appendCborString(out, value);
        return;
    case QCborValue::Array: {
        const QCborArray array = value.toArray();
        out += '[';
        bool first = true;
        for (const QCborValue &element : array) {
            if (!first)
                out += ',';
            first = false;
            appendCborValue(out, element);
        }
        out += ']';
        return;
    }
    case QCborValue::Map: {
        const QCborMap map = value.toMap();
        out += '{';
        for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
            if (it != map.constBegin())
                out += ',';
            appendCborString(out, it.key());
            out += ':';
            appendCborValue(out, it.value());
        }
        out += '}';
        return;
    }
    default:
        // Null and undefined; nothing else comes from a QJsonValue.
        out += "null";
        return;
    }
}

void JsonWriter::appendCborString(QByteArray &out, const QCborValue &text)
{
    if (!m_sink) {
        m_sink = std::make_unique<CborTextSink>();
        m_cbor = std::make_unique<QCborStreamWriter>(m_sink.get());
    }
    const qsizetype start = out.size();
    out += '"';
    m_sink->begin(&out);
    text.toCbor(*m_cbor);
    if (!m_sink->finish()) {
        out.truncate(start);
        appendString(out, text.toString());
        return;
    }
    out += '"';
}
