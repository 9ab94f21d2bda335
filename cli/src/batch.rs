//! Runs independent jobs (one per file) on worker threads and hands their results back in the
//! order of the inputs, as soon as each next one is ready, so that the output is the same
//! whatever the number of workers.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// The default number of workers: the cores this process may use.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Runs `work` on every item with at most `jobs` threads and calls `deliver` with each result in
/// item order; `deliver` returning `false` stops the remaining work (e.g. a closed pipe).
pub fn run_ordered<I, T, W, D>(items: &[I], jobs: usize, work: W, mut deliver: D)
where
    I: Sync,
    T: Send,
    W: Fn(&I) -> T + Sync,
    D: FnMut(usize, T) -> bool,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        for (i, item) in items.iter().enumerate() {
            if !deliver(i, work(item)) {
                return;
            }
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (send, receive) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let send = send.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if send.send((i, work(item))).is_err() {
                    break;
                }
            });
        }
        drop(send);
        // Results waiting for an earlier one.
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, result) in receive {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                if !deliver(due, result) {
                    stop.store(true, Ordering::Relaxed);
                    return;
                }
                due += 1;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_item_order_whatever_the_workers() {
        let items: Vec<u64> = (0..50).collect();
        for jobs in [1, 2, 3, 8, 100] {
            let mut seen = Vec::new();
            // Later items finish first: the order must still be the items'.
            run_ordered(
                &items,
                jobs,
                |&x| {
                    std::thread::sleep(std::time::Duration::from_micros(50 * (50 - x)));
                    x * x
                },
                |i, r| {
                    seen.push((i, r));
                    true
                },
            );
            let expected: Vec<(usize, u64)> = items.iter().map(|&x| (x as usize, x * x)).collect();
            assert_eq!(seen, expected, "{jobs} workers");
        }
    }

    #[test]
    fn delivery_can_stop_the_rest() {
        let items: Vec<u32> = (0..1000).collect();
        let done = AtomicUsize::new(0);
        let mut delivered = 0;
        run_ordered(
            &items,
            2,
            |_| {
                std::thread::sleep(std::time::Duration::from_millis(1));
                done.fetch_add(1, Ordering::Relaxed)
            },
            |_, _| {
                delivered += 1;
                delivered < 3
            },
        );
        assert_eq!(delivered, 3);
        assert!(done.load(Ordering::Relaxed) < 1000);
    }
}
