#include "requestsizeprobe_p.h"

#include <QtCore/QCborArray>
#include <QtCore/QCborMap>
#include <QtCore/QCborStreamWriter>
#include <QtCore/QCborValue>
#include <QtCore/QIODevice>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>

// Counts what QCborStreamWriter writes: a US-ASCII string arrives as one
// write straight from Qt's storage, so measuring it copies nothing.
class ByteCounter final : public QIODevice
{
public:
    ByteCounter() { open(QIODevice::WriteOnly | QIODevice::Unbuffered); }
    qint64 count = 0;

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 length) override
    {
        count += length;
        return length;
    }
};

RequestSizeProbe::RequestSizeProbe()
    : m_counter(std::make_unique<ByteCounter>())
    , m_writer(std::make_unique<QCborStreamWriter>(m_counter.get()))
{
}

RequestSizeProbe::~RequestSizeProbe() = default;

bool RequestSizeProbe::exceeds(const QJsonValue &value, qint64 budget)
{
    m_count = 0;
    m_budget = budget;
    switch (value.type()) {
    case QJsonValue::Object:
        return !measure(QCborMap::fromJsonObject(value.toObject()));
    case QJsonValue::Array:
        return !measure(QCborArray::fromJsonArray(value.toArray()));
    case QJsonValue::String:
        // A bare string is held as UTF-16: its length is at hand.
        return value.toString().size() * 3 > budget;
    default:
        return false;  // a number, bool or null
    }
}

bool RequestSizeProbe::measure(const QCborValue &value)
{
    m_count += 2;  // quotes, a separator, a digit: every value costs some
    switch (value.type()) {
    case QCborValue::String: {
        m_counter->count = 0;
        value.toCbor(*m_writer);
        m_count += m_counter->count;
        break;
    }
    case QCborValue::Array: {
        const QCborArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!measure(array.at(i)))
                return false;
        }
        break;
    }
    case QCborValue::Map: {
        const QCborMap map = value.toMap();
        for (auto it = map.cbegin(), end = map.cend(); it != end; ++it) {
            if (!measure(it.key()) || !measure(it.value()))
                return false;
        }
        break;
    }
    default:
        m_count += 24;  // at most a double's longest form: never under the writer
        break;
    }
    return m_count <= m_budget;
}
