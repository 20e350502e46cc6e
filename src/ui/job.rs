//! Work that runs off the UI thread: a [`Job`] is a named worker thread with a progress and
//! cancel token ([`Control`]) and one result. The frame polls it; nothing blocks the window.
//! Simulation, export, print, scenario export and the native file dialogs all run as jobs.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use crate::sim::Control;

/// How often a frame checks on a running job.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// A piece of work running on its own thread.
pub struct Job<T> {
    name: &'static str,
    control: Arc<Control>,
    rx: Receiver<T>,
    started: Instant,
}

/// What a poll found.
#[derive(Debug)]
pub enum Poll<T> {
    /// Still running.
    Running,
    /// Finished with this result.
    Done(T),
    /// The worker ended without a result (it panicked): a bug, reported to the user.
    Lost,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a thread named `procmap-<name>`. The work gets the job's [`Control`]
    /// to report progress and to notice cancellation.
    pub fn spawn(name: &'static str, work: impl FnOnce(&Control) -> T + Send + 'static) -> Self {
        let control = Arc::new(Control::default());
        let (tx, rx) = channel();
        let worker = Arc::clone(&control);
        let spawned = std::thread::Builder::new()
            .name(format!("procmap-{name}"))
            .spawn(move || {
                let result = work(&worker);
                worker.finish();
                // The receiver is gone only when the app dropped the job: nobody wants it.
                let _ = tx.send(result);
            });
        // Without a thread the receiver reports `Lost` at the first poll.
        drop(spawned);
        Self {
            name,
            control,
            rx,
            started: Instant::now(),
        }
    }
}

impl<T> Job<T> {
    /// The job's name (as in its thread name).
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Progress and cancellation, shared with the worker.
    #[must_use]
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Asks the work to stop (it decides how soon).
    pub fn cancel(&self) {
        self.control.cancel();
    }

    /// Seconds since the job started.
    #[must_use]
    pub fn elapsed_seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// Checks for the result without waiting; while running, asks egui for another frame soon.
    pub fn poll(&self, ctx: &egui::Context) -> Poll<T> {
        match self.rx.try_recv() {
            Ok(result) => Poll::Done(result),
            Err(TryRecvError::Empty) => {
                ctx.request_repaint_after(POLL_INTERVAL);
                Poll::Running
            }
            Err(TryRecvError::Disconnected) => Poll::Lost,
        }
    }
}

/// Polls an optional job: takes it out of `slot` when it is over (`Some(Done)` or `Some(Lost)`).
pub fn poll_slot<T>(slot: &mut Option<Job<T>>, ctx: &egui::Context) -> Option<Poll<T>> {
    let job = slot.as_ref()?;
    match job.poll(ctx) {
        Poll::Running => None,
        over => {
            *slot = None;
            Some(over)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_delivers_its_result_and_sees_cancel() {
        let ctx = egui::Context::default();
        let mut slot = Some(Job::spawn("test", |control: &Control| {
            while !control.is_cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            42
        }));
        assert!(poll_slot(&mut slot, &ctx).is_none(), "still running");
        if let Some(job) = &slot {
            assert_eq!(job.name(), "test");
            job.cancel();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match poll_slot(&mut slot, &ctx) {
                Some(Poll::Done(value)) => {
                    assert_eq!(value, 42);
                    break;
                }
                Some(Poll::Lost) => panic!("the worker died"),
                Some(Poll::Running) | None => {
                    assert!(Instant::now() < deadline, "the job did not stop");
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
        assert!(slot.is_none());
    }
}
