package dev.skep.monitor.react;

import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.monitor.rules.Alert;
import dev.skep.monitor.rules.AlertListener;
import dev.skep.monitor.rules.MonitorEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Hands alerts to reactors without ever blocking the engine: one bounded queue and one virtual thread per
 * reactor, so a reactor that hangs or fails (SMTP down) holds up only itself. A failed delivery is retried with
 * the {@link RetryPolicy}'s back-off, reported once as a {@code reactor.failed} event on the first failure and
 * again if it is given up; when the reactor comes back, its queued alerts go out in order. A full queue drops
 * its oldest alert (logged). The event says only that delivery failed (app owners read it); the log says why.
 */
public final class ReactorDispatcher implements AlertListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReactorDispatcher.class);

    private final List<Worker> workers = new ArrayList<>();
    private final RetryPolicy retry;
    private final EventSink events;
    private final Clock clock;
    private final int queueSize;
    private volatile boolean closed;

    public ReactorDispatcher(List<Reactor> reactors, RetryPolicy retry, int queueSize, EventSink events, Clock clock) {
        this.retry = Objects.requireNonNull(retry, "retry");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (queueSize < 1) {
            throw new IllegalArgumentException("queueSize must be >= 1, found " + queueSize);
        }
        this.queueSize = queueSize;
        for (Reactor reactor : reactors) {
            workers.add(new Worker(reactor));
        }
        workers.forEach(Worker::start);
    }

    @Override
    public void onAlert(Alert alert) {
        if (closed) {
            return;
        }
        for (Worker worker : workers) {
            if (alert.wants(worker.reactor.name())) {
                worker.offer(alert);
            }
        }
    }

    /** Alerts waiting for a reactor, by name (for the dashboard and tests). */
    public Map<String, Integer> backlog() {
        Map<String, Integer> out = new LinkedHashMap<>();
        workers.forEach(w -> out.put(w.reactor.name(), w.size()));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        workers.forEach(Worker::stop);
        workers.forEach(w -> w.reactor.close());
        for (Worker worker : workers) {
            try {
                worker.thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker {
        private final Reactor reactor;
        private final ArrayDeque<Alert> queue = new ArrayDeque<>();
        private final Thread thread;
        private long dropped;

        Worker(Reactor reactor) {
            this.reactor = reactor;
            this.thread = Thread.ofVirtual().name("reactor-" + reactor.name()).unstarted(this::run);
        }

        void start() {
            thread.start();
        }

        void stop() {
            thread.interrupt();
        }

        synchronized int size() {
            return queue.size();
        }

        synchronized void offer(Alert alert) {
            if (queue.size() >= queueSize) {
                Alert lost = queue.pollFirst();
                dropped++;
                LOG.warn("event=reactor.dropped reactor={} rule={} app={} instance={} dropped_total={}: the reactor is "
                        + "behind", reactor.name(), lost.ruleId(), lost.appLabel(), lost.instance(), dropped);
            }
            queue.addLast(alert);
            notifyAll();
        }

        private synchronized Alert take() throws InterruptedException {
            while (queue.isEmpty()) {
                wait();
            }
            return queue.pollFirst();
        }

        private void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    deliver(take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void deliver(Alert alert) throws InterruptedException {
            for (int attempt = 1; ; attempt++) {
                try {
                    reactor.deliver(alert);
                    if (attempt > 1) {
                        LOG.info("event=reactor.delivered reactor={} rule={} app={} instance={} attempts={}",
                                reactor.name(), alert.ruleId(), alert.appLabel(), alert.instance(), attempt);
                    }
                    return;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    boolean last = attempt >= retry.attempts();
                    String what = last ? "gave_up" : "retry_in_" + retry.delayAfter(attempt).toMillis() + "ms";
                    LOG.warn("event=reactor.failed reactor={} rule={} app={} instance={} attempt={} error=\"{}\" next={}",
                            reactor.name(), alert.ruleId(), alert.appLabel(), alert.instance(), attempt, e.toString(),
                            what);
                    if (attempt == 1 || last) {
                        report(alert, attempt, last);
                    }
                    if (last) {
                        return;
                    }
                    Thread.sleep(retry.delayAfter(attempt).toMillis()); // back-off, not a wait for a condition
                }
            }
        }

        private void report(Alert alert, int attempt, boolean gaveUp) {
            String message = "reactor " + reactor.name() + " failed for alert " + alert.ruleId() + ": delivery failed"
                    + (gaveUp ? " (gave up)" : " (will retry)");
            events.emit(new Event(clock.instant(), MonitorEvents.REACTOR_FAILED, alert.app(), null, alert.instance(),
                    null, message, Map.of("reactor", reactor.name(), "rule", alert.ruleId(),
                    "attempt", String.valueOf(attempt), "gaveUp", String.valueOf(gaveUp))));
        }
    }
}
