package dev.skep.monitor.react;

import dev.skep.monitor.rules.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The alerts of one app for one webhook URL: a bounded queue of its own, drained in order by a virtual thread that
 * runs only while there is work, with retries and back-off, behind a {@link CircuitBreaker}. Sends take one of the
 * app's permits, so an app has only a few deliveries in flight at a time. A receiver that hangs, fails or is
 * refused delays only its own lane: never another URL's, never another app's.
 */
final class WebhookLane {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookLane.class);

    /** Told of the first failure of an alert and of giving it up, to emit a tenant-visible event. */
    @FunctionalInterface
    interface Failures {
        void failed(Alert alert, int attempt, boolean gaveUp);
    }

    private final String app;
    private final String url;
    private final WebhookReactor sender;
    private final CircuitBreaker breaker;
    private final Semaphore appPermits;
    private final RetryPolicy retry;
    private final int capacity;
    private final Failures failures;
    private final ArrayDeque<Alert> queue = new ArrayDeque<>();
    private Thread worker;
    private boolean closed;
    private long dropped;

    /**
     * @param app label for the log, e.g. "alice/shop" or "install"
     * @param url label for the log: the URL without its query
     */
    WebhookLane(String app, String url, WebhookReactor sender, CircuitBreaker breaker, Semaphore appPermits,
                RetryPolicy retry, int capacity, Failures failures) {
        this.app = app;
        this.url = url;
        this.sender = sender;
        this.breaker = breaker;
        this.appPermits = appPermits;
        this.retry = retry;
        this.capacity = capacity;
        this.failures = failures;
    }

    /** Queues the alert and returns at once; a full queue drops its oldest alert. */
    synchronized void offer(Alert alert) {
        if (closed) {
            return;
        }
        if (queue.size() >= capacity) {
            Alert lost = queue.pollFirst();
            dropped++;
            LOG.warn("event=webhook.dropped app={} url={} rule={} dropped_total={}: the receiver is behind; "
                    + "check it, or remove the webhook", app, url, lost.ruleId(), dropped);
        }
        queue.addLast(alert);
        if (worker == null) {
            worker = Thread.ofVirtual().name("webhook-" + app).start(this::drain);
        }
    }

    synchronized int size() {
        return queue.size();
    }

    /**
     * One attempt now, on the caller's thread ({@code alerts test}): ignores an open breaker (the owner may have
     * just fixed the receiver) but tells it the outcome.
     */
    void sendNow(Alert alert) throws IOException, InterruptedException {
        send(alert);
    }

    synchronized void close() {
        closed = true;
        queue.clear();
        if (worker != null) {
            worker.interrupt();
        }
    }

    private synchronized Alert next() {
        Alert alert = queue.pollFirst();
        if (alert == null) {
            worker = null; // offer() starts a new one
        }
        return alert;
    }

    private void drain() {
        try {
            for (Alert alert = next(); alert != null; alert = next()) {
                deliver(alert);
            }
        } catch (InterruptedException e) {
            synchronized (this) {
                worker = null;
            }
        }
    }

    private void deliver(Alert alert) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                Optional<Instant> open = breaker.openUntil();
                if (open.isPresent()) {
                    throw new IOException("circuit open until " + open.get());
                }
                send(alert);
                if (attempt > 1) {
                    LOG.info("event=webhook.delivered app={} url={} rule={} attempts={}", app, url, alert.ruleId(),
                            attempt);
                }
                return;
            } catch (IOException | RuntimeException e) {
                boolean last = attempt >= retry.attempts();
                Duration wait = retry.delayAfter(attempt);
                LOG.warn("event=webhook.failed app={} url={} rule={} attempt={} error=\"{}\" next={}", app, url,
                        alert.ruleId(), attempt, e.getMessage(), last ? "gave_up" : "retry_in_" + wait.toSeconds() + "s");
                if (attempt == 1 || last) {
                    failures.failed(alert, attempt, last);
                }
                if (last) {
                    return;
                }
                Thread.sleep(wait.toMillis()); // back-off, not a wait for a condition
            }
        }
    }

    private void send(Alert alert) throws IOException, InterruptedException {
        appPermits.acquire();
        try {
            sender.deliver(alert);
        } catch (IOException | RuntimeException e) {
            breaker.failed().ifPresent(open -> LOG.warn("event=webhook.circuit_open app={} url={} open_s={}: "
                    + "deliveries to it fail at once until then; fix the receiver or remove the webhook", app, url,
                    open.toSeconds()));
            throw e;
        } finally {
            appPermits.release();
        }
        breaker.succeeded();
    }
}
