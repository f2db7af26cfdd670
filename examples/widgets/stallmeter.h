#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QTimer>

// Measures how responsive the event loop is: a 1 ms timer notes the longest
// gap between two of its ticks. A blocked GUI thread shows up as a long gap.
class StallMeter : public QObject
{
    Q_OBJECT
public:
    explicit StallMeter(QObject *parent = nullptr);

    void start();
    void stop();
    bool isActive() const;
    // Longest time between two ticks since start(), in milliseconds.
    double worstGapMs() const;
    qint64 ticks() const;

private:
    void onTick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastTickNs = 0;
    qint64 m_worstGapNs = 0;
    qint64 m_ticks = 0;
};
