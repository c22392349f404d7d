package dev.skep.server;

import dev.skep.model.RouteEpochs;
import dev.skep.model.ChangeFeed;
import dev.skep.model.RouterEndpoint;
import dev.skep.model.concurrent.CoalescingWorker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `skep edge haproxy --watch`: after every change of the state (coalesced) renders the config from the live
 * routers and, when the text changed, rewrites the file atomically and runs the reload command. A router that dies
 * between a render and the reload costs nothing: HAProxy's health checks take it out within 2 s, and its session's
 * end (at most the ZooKeeper session timeout) removes it from the next render.
 */
final class EdgeWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EdgeWatch.class);

    private final RouteEpochs routeEpochs;
    private final ChangeFeed changeFeed;
    private final HaproxyConfig config;
    private final Path out;
    private final ReloadCommand reload;
    /** After a failed write or reload, the next try comes this soon even when nothing else changes. */
    static final Duration RETRY = Duration.ofSeconds(5);

    private final CoalescingWorker worker = new CoalescingWorker("edge-watch", this::apply);
    private final AutoCloseable subscription;
    /** The text HAProxy was last reloaded with (or written, without a reload command); null before the first. */
    private String applied;
    /** How many routers the file names now. */
    private int written;

    /** @param reload the command that makes HAProxy read the file again, or null */
    <S extends RouteEpochs & ChangeFeed> EdgeWatch(
            S state, HaproxyConfig config, Path out, ReloadCommand reload) {
        this.routeEpochs = state;
        this.changeFeed = state;
        this.config = config;
        this.out = out;
        this.reload = reload;
        this.subscription = changeFeed.onChange(worker::poke);
        worker.poke();
    }

    private void retryLater() {
        worker.pokeIn(RETRY);
    }

    private void apply() {
        List<RouterEndpoint> routers;
        try {
            routers = routeEpochs.routers();
        } catch (RuntimeException e) {
            log.warn("event=edge.read-failed error=\"{}\" next=\"the file and HAProxy keep the last routers; retried "
                    + "in {} s\"", e.getMessage(), RETRY.toSeconds());
            retryLater();
            return;
        }
        String text = config.render(routers);
        if (text.equals(applied)) {
            return;
        }
        for (RouterEndpoint r : routers) {
            if (!HaproxyConfig.usable(r)) {
                log.warn("event=edge.router-skipped router=\"{}\" host=\"{}\" why=\"id or host has characters a "
                        + "config cannot hold\" fix=\"start that router with --advertise IP\"", r.id(), r.host());
            }
        }
        List<String> ids = routers.stream().filter(HaproxyConfig::usable).map(RouterEndpoint::id).toList();
        if (ids.isEmpty() && written > 0) {
            // every router gone is a ZooKeeper outage or a cluster restart far more often than a real end: the
            // routers come back on new sessions. Keeping the last costs nothing (health checks take it out if dead),
            // an empty backend would turn every request into a 503 until they re-register.
            log.warn("event=edge.all-routers-gone file={} kept={} next=\"the file keeps the last routers; HAProxy's "
                    + "health checks decide\"", out, written);
            return;
        }
        try {
            EdgeFile.write(out, text);
        } catch (IOException | RuntimeException e) {
            log.error("event=edge.write-failed file={} error=\"{}\" next=\"HAProxy keeps its config; retried in {} s\" "
                    + "fix=\"check the directory exists and is writable\"", out, e.getMessage(), RETRY.toSeconds());
            retryLater();
            return;
        }
        written = ids.size();
        log.info("event=edge.rendered file={} routers={} count={}", out, ids, ids.size());
        if (ids.isEmpty()) { // only before the first router ever registered (see above)
            log.warn("event=edge.no-routers file={} effect=\"clients get 503 until a router joins\"", out);
        }
        if (reload == null) {
            applied = text;
            return;
        }
        long start = System.nanoTime();
        ReloadCommand.Outcome outcome = reload.run();
        if (outcome.ok()) {
            applied = text;
            log.info("event=edge.reloaded routers={} millis={}", ids, (System.nanoTime() - start) / 1_000_000);
        } else {
            log.error("event=edge.reload-failed exit={} output=\"{}\" next=\"HAProxy serves its previous config; "
                    + "retried in {} s\" fix=\"check --reload-cmd by hand\"", outcome.exit(),
                    outcome.output().replace('"', '\'').replace('\n', ' '), RETRY.toSeconds());
            retryLater();
        }
    }

    @Override
    public void close() throws Exception {
        subscription.close();
        worker.close();
    }
}
