package dev.skep.monitor.events;

import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The event stream: every stage's {@link EventSink}, kept as JSON lines in segment files under one folder,
 * bounded by count and age, reloaded on start; queryable, and live to subscribers (server-sent events, the
 * alert engine).
 *
 * <p>{@link #emit} never throws and never waits on disk or subscribers: it stamps, indexes in memory, offers to
 * the writer queue and to each subscriber's queue. A full writer queue drops (counted, logged); a slow subscriber
 * loses its oldest events (counted). Lifecycle: the constructor loads and starts the writer; {@link #close} drains
 * the writer and stops subscribers.
 */
public final class EventLog implements EventSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    private static final Event STOP = new Event(Instant.EPOCH, "stop", null, null, null, null, null, null);

    private final EventLogConfig config;
    private final Clock clock;
    private final SegmentStore store;
    private final ArrayDeque<Event> recent = new ArrayDeque<>();
    private final BlockingQueue<Event> toWrite;
    private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong droppedWrites = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    public EventLog(EventLogConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = new SegmentStore(config.dir());
        this.toWrite = new ArrayBlockingQueue<>(config.writeQueue());
        List<Event> loaded = store.load();
        Instant oldest = clock.instant().minus(config.maxAge());
        for (Event event : loaded) {
            if (event.time() == null || !event.time().isBefore(oldest)) {
                remember(event);
            }
        }
        store.retain(config.maxEvents(), oldest);
        LOG.info("event=events.reloaded dir={} events={}", config.dir(), recent.size());
        this.writer = Thread.ofVirtual().name("event-log-writer").start(this::writeLoop);
    }

    @Override
    public void emit(Event event) {
        try {
            if (event == null || closed) {
                return;
            }
            Event stamped = event.time() != null ? event : new Event(clock.instant(), event.type(), event.app(),
                    event.release(), event.instance(), event.host(), event.message(), event.data());
            synchronized (recent) {
                remember(stamped);
            }
            if (!toWrite.offer(stamped)) {
                long n = droppedWrites.incrementAndGet();
                if (n == 1 || n % 1000 == 0) {
                    LOG.warn("event=events.writer-behind unwritten={} dir={} fix=\"check the disk: slow or full?\"", n,
                            config.dir());
                }
            }
            for (Subscriber subscriber : subscribers) {
                subscriber.offer(stamped);
            }
        } catch (RuntimeException e) {
            LOG.warn("event=events.not-taken type={} app={} error=\"{}\"", event.type(), event.app(), e.toString());
        }
    }

    /**
     * The newest {@code limit} events that match, oldest first.
     *
     * @param app        only this app's events, or all when null
     * @param typePrefix only types starting with this ("instance." or "deploy.failed"), or all when null
     * @param since      only events at or after this instant, or all when null
     */
    public List<Event> query(AppId app, String typePrefix, Instant since, int limit) {
        return query(e -> (app == null || app.equals(e.app()))
                && (typePrefix == null || e.type().startsWith(typePrefix)), since, limit);
    }

    /** The newest {@code limit} events at or after {@code since} (all when null) that pass {@code filter}, oldest first. */
    public List<Event> query(Predicate<Event> filter, Instant since, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, found " + limit);
        }
        Instant oldest = clock.instant().minus(config.maxAge());
        List<Event> out = new ArrayList<>();
        synchronized (recent) {
            Iterator<Event> newestFirst = recent.descendingIterator();
            while (newestFirst.hasNext() && out.size() < limit) {
                Event e = newestFirst.next();
                if (e.time().isBefore(oldest) || (since != null && e.time().isBefore(since))) {
                    continue;
                }
                if (filter.test(e)) {
                    out.add(e);
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * Delivers every future event that passes {@code filter} to {@code consumer}, on a thread of its own.
     * The filter runs on the emitter's thread and must be cheap.
     */
    public Subscription subscribe(Predicate<Event> filter, Consumer<Event> consumer) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(consumer, "consumer");
        if (closed) {
            throw new IllegalStateException("event log is closed");
        }
        Subscriber[] self = new Subscriber[1];
        self[0] = new Subscriber(filter, consumer, config.subscriberQueue(), () -> subscribers.remove(self[0]));
        subscribers.add(self[0]);
        self[0].start();
        return self[0];
    }

    /** Events that could not be written because the writer queue was full. */
    public long droppedWrites() {
        return droppedWrites.get();
    }

    private void remember(Event event) {
        recent.addLast(event);
        while (recent.size() > config.maxEvents()) {
            recent.pollFirst();
        }
        Instant oldest = clock.instant().minus(config.maxAge());
        while (!recent.isEmpty() && recent.peekFirst().time().isBefore(oldest)) {
            recent.pollFirst();
        }
    }

    private void writeLoop() {
        List<Event> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                Event first = toWrite.poll(1, TimeUnit.MINUTES);
                batch.clear();
                if (first != null) {
                    batch.add(first);
                    toWrite.drainTo(batch, 1000);
                }
                for (Event event : batch) {
                    if (event == STOP) {
                        stopping = true;
                        continue;
                    }
                    store.append(event, config.segmentEvents());
                }
                store.flush();
                store.retain(config.maxEvents(), clock.instant().minus(config.maxAge()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.error("event=events.write-failed dir={} error=\"{}\" effect=\"events stay in memory\" "
                        + "fix=\"check the disk\"", config.dir(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Subscriber subscriber : subscribers) {
            subscriber.close();
        }
        try {
            toWrite.put(STOP);
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("event=events.close-failed dir={} error=\"{}\"", config.dir(), e.toString());
        }
    }
}
