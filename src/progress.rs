//! A spinner on standard error for work that takes more than a second (loading a scenario of
//! 20,000 steps, evaluating a large account), so a person knows hubsim is working and on what.
//! Only when standard error is a terminal: scripts and CI logs get nothing.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before the spinner shows.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// One stage of work, shown while it lasts (cleared when dropped).
pub struct Stage {
    bar: ProgressBar,
}

impl Stage {
    /// Starts a stage described by `what` ("fresh-account.json: evaluating").
    pub fn start(what: impl Into<String>) -> Stage {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(what.into());
        if std::io::stderr().is_terminal() {
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(QUIET_FOR);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Stage { bar }
    }

    /// Moves on to the next stage of the same work.
    pub fn next(&self, what: impl Into<String>) {
        self.bar.set_message(what.into());
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
