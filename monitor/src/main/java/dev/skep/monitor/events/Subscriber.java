package dev.skep.monitor.events;

import dev.skep.model.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One live subscriber: a bounded queue filled by emitters (never blocking them; the oldest event is dropped when
 * full) and drained by its own virtual thread, so a slow consumer only slows itself.
 */
final class Subscriber implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);

    private final Predicate<Event> filter;
    private final Consumer<Event> consumer;
    private final int capacity;
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable onClose;
    private final Thread thread;
    private boolean closed;

    Subscriber(Predicate<Event> filter, Consumer<Event> consumer, int capacity, Runnable onClose) {
        this.filter = filter;
        this.consumer = consumer;
        this.capacity = capacity;
        this.onClose = onClose;
        this.thread = Thread.ofVirtual().name("event-subscriber").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Called by emitters: cheap, never blocks beyond a short lock. */
    void offer(Event event) {
        boolean wanted;
        try {
            wanted = filter.test(event);
        } catch (RuntimeException e) {
            LOG.warn("event=events.filter-failed type={} error=\"{}\"", event.type(), e.toString());
            return;
        }
        if (!wanted) {
            return;
        }
        synchronized (queue) {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity) {
                queue.pollFirst();
                long n = dropped.incrementAndGet();
                if (n == 1 || n % 1000 == 0) {
                    LOG.warn("event=events.subscriber-slow dropped={} effect=\"the oldest events were dropped\"", n);
                }
            }
            queue.addLast(event);
            queue.notifyAll();
        }
    }

    private void run() {
        while (true) {
            Event next;
            synchronized (queue) {
                while (queue.isEmpty() && !closed) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                next = queue.pollFirst();
            }
            try {
                consumer.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("event=events.subscriber-failed type={} app={} instance={} error=\"{}\"", next.type(),
                        next.app(), next.instance(), e.toString());
            }
        }
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            queue.notifyAll();
        }
        onClose.run();
    }
}
