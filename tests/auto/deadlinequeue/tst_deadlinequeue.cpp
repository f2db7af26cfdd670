// DeadlineQueue: request timeouts behind one timer (src/deadlinequeue_p.h).
#include "deadlinequeue_p.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QtTest>

#include <set>
#include <vector>

class tst_DeadlineQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void expiresInSendOrder();
    void skipsFinishedRequests();
    void stopsWhenTheOwnerIsGone();
    void neverExpiresEarly();
    void laterDeadlinesWaitTheirTurn();
    void stopClearsEverything();
};

void tst_DeadlineQueue::expiresInSendOrder()
{
    QObject context;
    struct
    {
        std::set<quint64> pending{1, 2, 3};
        std::vector<quint64> expired;
    } owner;
    DeadlineQueue queue(&context, [&](quint64 id) { return owner.pending.count(id) != 0; },
                        [&](quint64 id) {
                            owner.pending.erase(id);
                            owner.expired.push_back(id);
                            return true;
                        });
    queue.add(1, 0);
    queue.add(2, 0);
    queue.add(3, 0);
    QTRY_COMPARE(owner.expired.size(), std::size_t(3));
    QCOMPARE(owner.expired, (std::vector<quint64>{1, 2, 3}));
}

void tst_DeadlineQueue::skipsFinishedRequests()
{
    QObject context;
    struct
    {
        std::set<quint64> pending{1, 2, 3};
        std::vector<quint64> expired;
    } owner;
    DeadlineQueue queue(&context, [&](quint64 id) { return owner.pending.count(id) != 0; },
                        [&](quint64 id) {
                            owner.pending.erase(id);
                            owner.expired.push_back(id);
                            return true;
                        });
    queue.add(1, 0);
    queue.add(2, 0);
    queue.add(3, 0);
    owner.pending.erase(2);  // answered in time
    QTRY_COMPARE(owner.expired.size(), std::size_t(2));
    QCOMPARE(owner.expired, (std::vector<quint64>{1, 3}));
    // Finished requests are dropped from the front as new ones come.
    owner.pending.insert(4);
    queue.add(4, 60000);
    QCOMPARE(queue.size(), std::size_t(1));
}

void tst_DeadlineQueue::stopsWhenTheOwnerIsGone()
{
    QObject context;
    std::set<quint64> pending{1, 2, 3};
    std::vector<quint64> expired;
    auto *queue = new DeadlineQueue(&context, [&](quint64 id) { return pending.count(id) != 0; },
                                    [&](quint64 id) {
                                        expired.push_back(id);
                                        pending.erase(id);
                                        return id != 2;  // the owner is destroyed while id 2 expires
                                    });
    queue->add(1, 0);
    queue->add(2, 0);
    queue->add(3, 0);
    QTRY_COMPARE(expired.size(), std::size_t(2));
    QCoreApplication::processEvents();
    QCOMPARE(expired, (std::vector<quint64>{1, 2}));  // 3 was not touched after the owner went
    delete queue;
}

void tst_DeadlineQueue::neverExpiresEarly()
{
    // Time is the point here: a lower bound only, which load cannot break.
    QObject context;
    std::set<quint64> pending{1};
    QElapsedTimer clock;
    qint64 firedAfter = -1;
    DeadlineQueue queue(&context, [&](quint64 id) { return pending.count(id) != 0; },
                        [&](quint64 id) {
                            pending.erase(id);
                            firedAfter = clock.elapsed();
                            return true;
                        });
    clock.start();
    queue.add(1, 50);
    QTRY_VERIFY(firedAfter >= 0);
    QVERIFY2(firedAfter >= 50, qPrintable(QString::number(firedAfter)));
}

void tst_DeadlineQueue::laterDeadlinesWaitTheirTurn()
{
    QObject context;
    std::set<quint64> pending{1, 2};
    std::vector<quint64> expired;
    DeadlineQueue queue(&context, [&](quint64 id) { return pending.count(id) != 0; },
                        [&](quint64 id) {
                            pending.erase(id);
                            expired.push_back(id);
                            return true;
                        });
    queue.add(1, 0);
    queue.add(2, 60000);
    QTRY_COMPARE(expired.size(), std::size_t(1));
    QCOMPARE(expired.front(), quint64(1));
    QCOMPARE(queue.size(), std::size_t(1));  // 2 still waits, the timer re-armed for it
}

void tst_DeadlineQueue::stopClearsEverything()
{
    QObject context;
    std::set<quint64> pending{1};
    int expiries = 0;
    DeadlineQueue queue(&context, [&](quint64 id) { return pending.count(id) != 0; },
                        [&](quint64) {
                            ++expiries;
                            return true;
                        });
    queue.add(1, 0);
    queue.stop();
    QCOMPARE(queue.size(), std::size_t(0));
    // A zero-length timer would have fired on the first turn of the loop.
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    QCOMPARE(expiries, 0);
}

QTEST_GUILESS_MAIN(tst_DeadlineQueue)
#include "tst_deadlinequeue.moc"
