// CancelDetector: noticing QFuture::cancel() on pending requests, three ways
// (src/canceldetector_p.h). A small table of real QFutureInterfaces stands in
// for the bridge's PendingTable.
#include "canceldetector_p.h"

#include <QtCore/QFutureInterface>
#include <QtCore/QPromise>
#include <QtCore/QThread>
#include <QtTest/QtTest>

#include <map>
#include <memory>
#include <vector>

class tst_CancelDetector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void watchedCancelIsNoticedBeforeTheThreadWaits();
    void pollFindsUnwatchedCancels();
    void pollStopsWhenNothingIsPending();
    void pollSlowsDownWithManyPending();
    void typedCancelCancelsItsRequest();
    void stopsWhenTheOwnerIsGone();
};

namespace {

// Requests 1..watchedLimit are "watched", like PendingTable's first entries.
struct FakeTable
{
    std::map<quint64, QFutureInterface<QJsonValue>> requests;
    std::vector<quint64> cancelled;  // what the detector asked to cancel, in order
    quint64 watchedLimit = 2;
    quint64 ownerDiesAt = 0;

    QFuture<QJsonValue> add(quint64 id)
    {
        QFutureInterface<QJsonValue> &promise = requests[id];
        promise.reportStarted();
        return promise.future();
    }

    std::vector<quint64> find(bool watchedOnly) const
    {
        std::vector<quint64> ids;
        for (const auto &[id, promise] : requests) {
            if ((!watchedOnly || id <= watchedLimit) && promise.isCanceled())
                ids.push_back(id);
        }
        return ids;
    }

    CancelDetector::Hooks hooks()
    {
        return {[this] { return find(true); },
                [this] { return find(false); },
                [this] { return requests.begin() != requests.end() && requests.begin()->first <= watchedLimit; },
                [this] { return requests.size(); },
                [this](quint64 id) {
                    cancelled.push_back(id);
                    QFutureInterface<QJsonValue> promise = requests.at(id);
                    requests.erase(id);
                    promise.reportFinished();
                    return id != ownerDiesAt;
                }};
    }
};

} // namespace

void tst_CancelDetector::watchedCancelIsNoticedBeforeTheThreadWaits()
{
    QObject context;
    FakeTable table;
    CancelDetector detector(&context, table.hooks());
    QFuture<QJsonValue> future = table.add(1);
    detector.watch(QThread::currentThread());
    future.cancel();
    // The aboutToBlock check runs as the event loop is about to wait, long
    // before the poll interval; the poll would find it too, so check the
    // watched path directly as well.
    QTRY_COMPARE(table.cancelled, std::vector<quint64>{1});
    QVERIFY(future.isFinished());

    QFuture<QJsonValue> second = table.add(2);
    second.cancel();
    detector.checkWatched();
    QCOMPARE(table.cancelled, (std::vector<quint64>{1, 2}));
}

void tst_CancelDetector::pollFindsUnwatchedCancels()
{
    QObject context;
    FakeTable table;
    table.watchedLimit = 0;  // nothing watched: only the poll can see it
    CancelDetector detector(&context, table.hooks());
    QFuture<QJsonValue> future = table.add(7);
    future.cancel();
    detector.checkWatched();
    QVERIFY(table.cancelled.empty());
    detector.poll();
    QCOMPARE(table.cancelled, std::vector<quint64>{7});
}

void tst_CancelDetector::pollStopsWhenNothingIsPending()
{
    QObject context;
    FakeTable table;
    CancelDetector detector(&context, table.hooks());
    QFuture<QJsonValue> future = table.add(1);
    detector.watch(QThread::currentThread());
    QVERIFY(detector.isPolling());
    detector.poll();
    QVERIFY(detector.isPolling());  // one request still pending
    future.cancel();
    QTRY_VERIFY(!detector.isPolling());
    QCOMPARE(table.cancelled, std::vector<quint64>{1});
}

// Walking 100 000 pending requests every 10 ms cost a pipelined burst a
// fifth of its time; the walk's share stays small when the interval grows
// with the number, and a cancel is still found by the next walk.
void tst_CancelDetector::pollSlowsDownWithManyPending()
{
    QCOMPARE(CancelDetector::pollInterval(1), CancelDetector::pollIntervalMs);
    QCOMPARE(CancelDetector::pollInterval(CancelDetector::requestsPerPollInterval), CancelDetector::pollIntervalMs);
    QCOMPARE(CancelDetector::pollInterval(10 * CancelDetector::requestsPerPollInterval),
             10 * CancelDetector::pollIntervalMs);

    QObject context;
    FakeTable table;
    table.watchedLimit = 0;
    CancelDetector detector(&context, table.hooks());
    const quint64 many = 3 * CancelDetector::requestsPerPollInterval;
    for (quint64 id = 1; id <= many; ++id)
        table.add(id);
    detector.watch(QThread::currentThread());
    QCOMPARE(detector.currentPollIntervalMs(), CancelDetector::pollIntervalMs);
    detector.poll();
    QCOMPARE(detector.currentPollIntervalMs(), 3 * CancelDetector::pollIntervalMs);
    QFuture<QJsonValue>(&table.requests.at(many)).cancel();
    detector.poll();
    QCOMPARE(table.cancelled, std::vector<quint64>{many});
    // Back to the short interval once few are pending.
    while (table.requests.size() > 1)
        table.requests.erase(table.requests.begin());
    detector.poll();
    QCOMPARE(detector.currentPollIntervalMs(), CancelDetector::pollIntervalMs);
}

void tst_CancelDetector::typedCancelCancelsItsRequest()
{
    QObject context;
    FakeTable table;
    CancelDetector detector(&context, table.hooks());
    QFuture<QJsonValue> raw = table.add(1);
    QPromise<void> typedPromise;
    typedPromise.start();
    QFuture<void> typed = typedPromise.future();
    detector.link(typed, raw);
    QCOMPARE(detector.linkCount(), std::size_t(1));
    detector.checkWatched();
    QVERIFY(!raw.isCanceled());
    typed.cancel();
    detector.checkWatched();
    QVERIFY(raw.isCanceled());
    QCOMPARE(table.cancelled, std::vector<quint64>{1});
    // The link is dropped once its request finished.
    detector.poll();
    QCOMPARE(detector.linkCount(), std::size_t(0));
    typedPromise.finish();
}

void tst_CancelDetector::stopsWhenTheOwnerIsGone()
{
    QObject context;
    FakeTable table;
    table.ownerDiesAt = 1;
    CancelDetector detector(&context, table.hooks());
    QFuture<QJsonValue> first = table.add(1);
    QFuture<QJsonValue> second = table.add(2);
    first.cancel();
    second.cancel();
    detector.checkWatched();
    QCOMPARE(table.cancelled, std::vector<quint64>{1});  // nothing touched after the owner went
    table.ownerDiesAt = 0;
    detector.poll();
    QCOMPARE(table.cancelled, (std::vector<quint64>{1, 2}));
}

QTEST_GUILESS_MAIN(tst_CancelDetector)
#include "tst_canceldetector.moc"
