// Proves QRustLineScanner turns any split of a byte stream into the same
// lines, drops over-long lines without holding them, and stays linear.
#include <QRustBridge/qrustlinescanner.h>

#include <QtCore/QElapsedTimer>
#include <QtTest/QtTest>

class tst_QRustLineScanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitsAtEveryByteOffset_data();
    void splitsAtEveryByteOffset();
    void feedsOneByteAtATime();
    void keepsMultiMebibyteLines();
    void dropsOverLongLineAndRecovers();
    void overLongLineWithoutNewlineIsNeverHeld();
    void lineOfExactlyMaxPayloadIsKept();
    void clearForgetsPartialLine();
    void isLinearInInputSize();
};

void tst_QRustLineScanner::splitsAtEveryByteOffset_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::newRow("one line") << QByteArray("{\"a\":1}\n") << QByteArrayList{"{\"a\":1}"};
    QTest::newRow("three lines") << QByteArray("a\nbb\nccc\n") << QByteArrayList{"a", "bb", "ccc"};
    QTest::newRow("empty lines kept") << QByteArray("\n\nx\n") << QByteArrayList{"", "", "x"};
    QTest::newRow("unterminated tail held") << QByteArray("a\nbc") << QByteArrayList{"a"};
    QTest::newRow("utf8 multibyte") << QByteArray("\xc3\xa4\xe2\x82\xac\n\xf0\x9f\x98\x80\n")
                                    << QByteArrayList{"\xc3\xa4\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    QTest::newRow("crlf keeps cr") << QByteArray("a\r\nb\r\n") << QByteArrayList{"a\r", "b\r"};
}

void tst_QRustLineScanner::splitsAtEveryByteOffset()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, expected);
    for (qsizetype first = 0; first <= input.size(); ++first) {
        for (qsizetype second = first; second <= input.size(); ++second) {
            QRustLineScanner scanner;
            QByteArrayList lines = scanner.push(input.left(first));
            lines += scanner.push(input.mid(first, second - first));
            lines += scanner.push(input.mid(second));
            QCOMPARE(lines, expected);
        }
    }
}

void tst_QRustLineScanner::feedsOneByteAtATime()
{
    const QByteArray input("{\"id\":\"1\"}\n{\"event\":\"x\"}\n");
    QRustLineScanner scanner;
    QByteArrayList lines;
    for (char c : input)
        lines += scanner.push(QByteArray(1, c));
    QCOMPARE(lines, (QByteArrayList{"{\"id\":\"1\"}", "{\"event\":\"x\"}"}));
    QCOMPARE(scanner.bufferedBytes(), 0);
}

void tst_QRustLineScanner::keepsMultiMebibyteLines()
{
    const QByteArray big(8 * 1024 * 1024, 'x');
    QRustLineScanner scanner;
    QByteArrayList lines;
    for (qsizetype at = 0; at < big.size(); at += 65536)
        lines += scanner.push(big.mid(at, 65536));
    QVERIFY(lines.isEmpty());
    lines += scanner.push("\nnext\n");
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0).size(), big.size());
    QCOMPARE(lines.at(1), QByteArray("next"));
}

void tst_QRustLineScanner::dropsOverLongLineAndRecovers()
{
    QRustLineScanner scanner(10);
    QByteArrayList lines = scanner.push("short\n0123456789ABCDEF");
    lines += scanner.push("GHIJ\nafter\n");
    QCOMPARE(lines, (QByteArrayList{"short", "after"}));
    QCOMPARE(scanner.droppedLineCount(), quint64(1));
}

void tst_QRustLineScanner::overLongLineWithoutNewlineIsNeverHeld()
{
    QRustLineScanner scanner(1024);
    const QByteArray block(4096, 'y');
    for (int i = 0; i < 100; ++i) {
        QVERIFY(scanner.push(block).isEmpty());
        QVERIFY(scanner.bufferedBytes() <= 1024);
    }
    QCOMPARE(scanner.push("tail\nok\n"), QByteArrayList{"ok"});
}

void tst_QRustLineScanner::lineOfExactlyMaxPayloadIsKept()
{
    QRustLineScanner scanner(5);
    QCOMPARE(scanner.push("12345\n123456\n"), QByteArrayList{"12345"});
    QCOMPARE(scanner.droppedLineCount(), quint64(1));
}

void tst_QRustLineScanner::clearForgetsPartialLine()
{
    QRustLineScanner scanner;
    scanner.push("partial");
    QCOMPARE(scanner.bufferedBytes(), 7);
    scanner.clear();
    QCOMPARE(scanner.push("x\n"), QByteArrayList{"x"});
}

void tst_QRustLineScanner::isLinearInInputSize()
{
    // A quadratic scanner (re-scanning the buffer per chunk) takes ~100x
    // longer for 10x input; linear takes ~10x. Allow generous noise.
    auto timeFor = [](qsizetype bytes) {
        QRustLineScanner scanner(qint64(1) << 30);
        const QByteArray chunk(4096, 'z');
        QElapsedTimer timer;
        timer.start();
        for (qsizetype fed = 0; fed < bytes; fed += chunk.size())
            scanner.push(chunk);
        scanner.push("\n");
        return qMax<qint64>(1, timer.nsecsElapsed());
    };
    timeFor(1 << 20);  // warm up
    const qint64 small = timeFor(4 << 20);
    const qint64 large = timeFor(40 << 20);
    QVERIFY2(large < small * 40, qPrintable(QStringLiteral("4 MiB: %1 ns, 40 MiB: %2 ns").arg(small).arg(large)));
}

QTEST_GUILESS_MAIN(tst_QRustLineScanner)
#include "tst_qrustlinescanner.moc"
