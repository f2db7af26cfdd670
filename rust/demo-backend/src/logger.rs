//! A small stderr logger for the `log` facade, so the crate's diagnostics
//! show up as `qrustbridge: <message>` lines (the client forwards stderr
//! line by line). `QRUSTBRIDGE_LOG=error|warn|info|debug|trace|off` sets
//! the level (default `info`).

use std::io::Write;

use log::{Level, LevelFilter, Log, Metadata, Record};

struct StderrLogger;

static LOGGER: StderrLogger = StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let source = record.target().split("::").next().unwrap_or("demo-backend");
        let mut err = std::io::stderr().lock();
        // Errors writing to stderr have nowhere to go.
        let _ = match record.level() {
            Level::Error | Level::Warn => {
                writeln!(err, "{}: {}: {}", source, record.level().as_str().to_lowercase(), record.args())
            }
            _ => writeln!(err, "{}: {}", source, record.args()),
        };
    }

    fn flush(&self) {}
}

/// Installs the logger (once; later calls do nothing).
pub fn install() {
    let level = std::env::var("QRUSTBRIDGE_LOG")
        .ok()
        .and_then(|v| v.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::Info);
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}
