// ReconnectBackoff: when to retry a lost connection (src/reconnectbackoff_p.h).
#include "reconnectbackoff_p.h"

#include <QtTest/QtTest>

class tst_ReconnectBackoff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void delaysDoubleUpToTheCap();
    void hugeAttemptCountsDoNotOverflow();
    void givesUpAfterMaxAttempts();
    void resetStartsOverAtTheBaseDelay();
    void attemptRunsWhenDue();
    void stopCancelsTheScheduledAttempt();
};

namespace {

QRustSocketOptions policy(int base, int max, int attempts)
{
    QRustSocketOptions options;
    options.autoReconnect = true;
    options.reconnectBaseDelayMs = base;
    options.reconnectMaxDelayMs = max;
    options.maxReconnectAttempts = attempts;
    return options;
}

} // namespace

void tst_ReconnectBackoff::delaysDoubleUpToTheCap()
{
    const QRustSocketOptions options = policy(100, 1000, 10);
    QCOMPARE(ReconnectBackoff::delayMs(0, options), qint64(100));
    QCOMPARE(ReconnectBackoff::delayMs(1, options), qint64(200));
    QCOMPARE(ReconnectBackoff::delayMs(2, options), qint64(400));
    QCOMPARE(ReconnectBackoff::delayMs(3, options), qint64(800));
    QCOMPARE(ReconnectBackoff::delayMs(4, options), qint64(1000));
    QCOMPARE(ReconnectBackoff::delayMs(9, options), qint64(1000));
}

void tst_ReconnectBackoff::hugeAttemptCountsDoNotOverflow()
{
    const QRustSocketOptions options = policy(1000, 30000, 1000000);
    QCOMPARE(ReconnectBackoff::delayMs(31, options), qint64(30000));
    QCOMPARE(ReconnectBackoff::delayMs(100000, options), qint64(30000));
}

void tst_ReconnectBackoff::givesUpAfterMaxAttempts()
{
    QObject context;
    ReconnectBackoff backoff(&context, [] {});
    const QRustSocketOptions options = policy(60000, 60000, 3);
    QVERIFY(backoff.scheduleNext(options));
    QVERIFY(backoff.scheduleNext(options));
    QVERIFY(backoff.scheduleNext(options));
    QCOMPARE(backoff.attempt(), 3);
    backoff.stop();
    QVERIFY(!backoff.scheduleNext(options));
    QVERIFY(!backoff.isScheduled());
    QCOMPARE(backoff.attempt(), 3);
}

void tst_ReconnectBackoff::resetStartsOverAtTheBaseDelay()
{
    QObject context;
    ReconnectBackoff backoff(&context, [] {});
    const QRustSocketOptions options = policy(50000, 400000, 5);
    QVERIFY(backoff.scheduleNext(options));
    QCOMPARE(backoff.scheduledDelayMs(), 50000);
    QVERIFY(backoff.scheduleNext(options));
    QCOMPARE(backoff.scheduledDelayMs(), 100000);
    backoff.reset();
    QCOMPARE(backoff.attempt(), 0);
    QVERIFY(backoff.scheduleNext(options));
    QCOMPARE(backoff.scheduledDelayMs(), 50000);
    backoff.stop();
}

void tst_ReconnectBackoff::attemptRunsWhenDue()
{
    QObject context;
    int attempts = 0;
    ReconnectBackoff backoff(&context, [&] { ++attempts; });
    QVERIFY(backoff.scheduleNext(policy(1, 1, 5)));
    QTRY_COMPARE(attempts, 1);
    QVERIFY(!backoff.isScheduled());  // one attempt per schedule
}

void tst_ReconnectBackoff::stopCancelsTheScheduledAttempt()
{
    QObject context;
    int attempts = 0;
    ReconnectBackoff backoff(&context, [&] { ++attempts; });
    QVERIFY(backoff.scheduleNext(policy(0, 0, 5)));
    QVERIFY(backoff.isScheduled());
    backoff.stop();
    QVERIFY(!backoff.isScheduled());
    // A zero-length timer would have fired on the first turn of the loop.
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    QCOMPARE(attempts, 0);
}

QTEST_GUILESS_MAIN(tst_ReconnectBackoff)
#include "tst_reconnectbackoff.moc"
