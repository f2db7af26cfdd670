#pragma once

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QTimer>

#include <functional>

class BackendController;
class MainWindow;

// The --smoke / --screenshot script: drives the real window and backend
// through every feature, one step at a time, each step waiting for its reply
// (never blocking). Prints one line per step; finished(ok) at the end.
class ScriptedSession : public QObject
{
    Q_OBJECT
public:
    ScriptedSession(MainWindow *window, BackendController *controller, const QString &hashDirectory,
                    QObject *parent = nullptr);

    void start();
    // A step that gets no answer within this time fails the session.
    void setStepTimeout(int ms);

Q_SIGNALS:
    void finished(bool ok);

private:
    // A step starts its work and later calls complete() exactly once.
    using Step = std::function<void()>;
    void addStep(const QString &name, Step step);
    void runNext();
    void complete(bool ok, const QString &detail);

    void spawnStep();
    void echoStep();
    void restartStep();
    void stderrStep();
    void eventsStep();
    void largePayloadStep();
    void fetchLargePayload(double baselineMs);
    void cancelStreamStep();
    void hashStep();

    MainWindow *m_window;
    BackendController *m_controller;
    QString m_hashDirectory;
    QList<QPair<QString, Step>> m_steps;
    int m_current = -1;
    bool m_failed = false;
    QTimer m_watchdog;
    // Connections made by the running step; cut when it completes.
    QList<QMetaObject::Connection> m_stepConnections;
};
