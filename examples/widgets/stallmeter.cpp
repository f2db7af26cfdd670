#include "stallmeter.h"

StallMeter::StallMeter(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(1);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &StallMeter::onTick);
}

void StallMeter::start()
{
    m_worstGapNs = 0;
    m_ticks = 0;
    m_clock.start();
    m_lastTickNs = 0;
    m_timer.start();
}

void StallMeter::stop()
{
    if (!m_timer.isActive())
        return;
    onTick(); // a stall that is still going on counts too
    m_timer.stop();
}

bool StallMeter::isActive() const
{
    return m_timer.isActive();
}

double StallMeter::worstGapMs() const
{
    return m_worstGapNs / 1e6;
}

qint64 StallMeter::ticks() const
{
    return m_ticks;
}

void StallMeter::onTick()
{
    const qint64 now = m_clock.nsecsElapsed();
    m_worstGapNs = qMax(m_worstGapNs, now - m_lastTickNs);
    m_lastTickNs = now;
    ++m_ticks;
}
