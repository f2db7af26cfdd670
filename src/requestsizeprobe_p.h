#pragma once

#include <QtCore/QJsonValue>

#include <memory>

class QCborStreamWriter;
class QCborValue;
class ByteCounter;

// Tells, without serializing, whether a request's params may come to more
// than a budget of JSON bytes: the bridge's thread serializes small requests
// itself and hands big ones to another thread (IoWorker, BridgeThread
// placement).
//
// Bounded work: it stops as soon as the budget is reached, counting at least
// two bytes per value, so a huge array costs at most budget / 2 steps. A
// string Qt stores as US-ASCII is measured in place; a non-ASCII one is
// converted to UTF-8 to be measured (Qt has no public way to size it), which
// costs time for a huge one but never stalls more than serializing it would.
class RequestSizeProbe
{
public:
    RequestSizeProbe();
    ~RequestSizeProbe();
    RequestSizeProbe(const RequestSizeProbe &) = delete;
    RequestSizeProbe &operator=(const RequestSizeProbe &) = delete;

    bool exceeds(const QJsonValue &value, qint64 budget);

private:
    // Adds `value`'s size to m_count; false once the budget is spent.
    bool measure(const QCborValue &value);

    qint64 m_count = 0;
    qint64 m_budget = 0;
    std::unique_ptr<ByteCounter> m_counter;
    std::unique_ptr<QCborStreamWriter> m_writer;
};
