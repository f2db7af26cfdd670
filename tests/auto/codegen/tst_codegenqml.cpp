// The generated QML client (--qml) in a QQmlEngine: placeholder, filled below.
#include <QtTest/QtTest>
class TestCodegenQml : public QObject { Q_OBJECT };
QTEST_MAIN(TestCodegenQml)
#include "tst_codegenqml.moc"
