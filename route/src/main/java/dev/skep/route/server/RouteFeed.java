package dev.skep.route.server;

import dev.skep.model.AppCertificates;
import dev.skep.model.AppId;
import dev.skep.model.ChangeFeed;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.IdleState;
import dev.skep.model.RouteEpochs;
import dev.skep.model.RouteSettings;
import dev.skep.model.RouterEndpoint;
import dev.skep.model.concurrent.CoalescingWorker;
import dev.skep.route.AppRoute;
import dev.skep.route.CertificatePem;
import dev.skep.route.RouteTable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the router's table from the state after every change (coalesced) and swaps it in; the router forgets
 * the counters of apps and instances that left the state.
 */
public final class RouteFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RouteFeed.class);

    private final ClusterSnapshots snapshots;
    private final RouteEpochs routeEpochs;
    private final ChangeFeed changeFeed;
    private final RouterServer router;
    private final String baseDomain;
    private final String routerId;
    /** The route epoch last reported to the state; -1 before the first report registers this router. */
    private long reportedEpoch = -1;
    private final CoalescingWorker worker = new CoalescingWorker("route-feed", this::rebuild);
    private final AutoCloseable subscription;
    /** Where this router takes traffic, registered once its first table is in (an edge then sends it clients). */
    private final RouterEndpoint endpoint;
    /** Run once before the registration: the router answers its first request slowly, an edge must not see that. */
    private Runnable warmUp;
    private boolean registered;
    private final TableListener listener;
    /** A READY instance whose status vanished (a session loss) is still routed to while its node comes back. */
    private final VanishedInstances vanished = new VanishedInstances(Duration.ofSeconds(3), System::nanoTime);

    /** Hears, with every table, what the feed read for it: each app's route settings, and which apps sleep. */
    @FunctionalInterface
    public interface TableListener {
        void read(Map<AppId, RouteSettings> settings, Set<AppId> sleeping);

        static TableListener none() {
            return (settings, sleeping) -> { };
        }
    }

    /**
     * @param routerId names this router among the ones rollouts wait for (see RouteEpochs#markRouteEpoch)
     * @param endpoint where it takes traffic, for an edge in front of the routers
     * @param warmUp   run once before it registers there
     */
    public <S extends ClusterSnapshots & RouteEpochs & ChangeFeed> RouteFeed(
            S state, RouterServer router, String baseDomain, String routerId,
              RouterEndpoint endpoint, Runnable warmUp) {
        this(state, router, baseDomain, routerId, endpoint, warmUp, TableListener.none());
    }

    /** @param listener told each app's settings and which apps sleep, with every table (the idle stop's reporter) */
    public <S extends ClusterSnapshots & RouteEpochs & ChangeFeed> RouteFeed(
            S state, RouterServer router, String baseDomain, String routerId,
              RouterEndpoint endpoint, Runnable warmUp, TableListener listener) {
        this.listener = listener;
        this.snapshots = state;
        this.routeEpochs = state;
        this.changeFeed = state;
        this.router = router;
        this.baseDomain = baseDomain;
        this.routerId = routerId;
        this.endpoint = endpoint;
        this.warmUp = warmUp;
        this.subscription = changeFeed.onChange(worker::poke);
        worker.poke();
    }

    private void rebuild() {
        long epoch;
        try {
            epoch = routeEpochs.routeEpochSeen(); // read first: the snapshot is at least this new
            var now = snapshots.snapshot();
            var settings = snapshots.documents(RouteSettings.DOCUMENT, RouteSettings.class);
            var sleeping = IdleState.asleep(now.apps(),
                    snapshots.documents(IdleState.DOCUMENT, IdleState.class), settings);
            var instances = vanished.withVanished(now.instances());
            vanished.nextExpiry().ifPresent(in -> worker.pokeIn(in.plusMillis(1)));
            RouteTable table = RouteTable.build(now.apps(), instances, baseDomain, settings, sleeping);
            listener.read(settings, sleeping);
            router.syncCertificates(certificates(table));
            router.update(table);
            router.metrics().retain(now.apps().stream().map(a -> a.id()).collect(Collectors.toSet()),
                    instances.stream().map(i -> i.instance()).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            log.error("event=route.rebuild-failed error=\"{}\" next=\"the old table keeps serving\"", e.getMessage(), e);
            return;
        }
        if (epoch != reportedEpoch) {
            try {
                routeEpochs.reportRoutesApplied(routerId, epoch);
                reportedEpoch = epoch;
            } catch (RuntimeException e) { // the table is live; rollouts wait for this router at most a while
                log.warn("event=route.report-failed router={} epoch={} error=\"{}\" next=\"reported with the next "
                        + "change\"", routerId, epoch, e.getMessage());
            }
        }
        if (!registered) {
            if (warmUp != null) {
                warmUp.run();
                warmUp = null;
            }
            try {
                routeEpochs.registerRouter(endpoint); // kept through session losses by the state's ephemeral nodes
                registered = true;
                log.info("event=router.registered router={} host={} port={} https_port={}", endpoint.id(),
                        endpoint.host(), endpoint.port(), endpoint.httpsPort());
            } catch (RuntimeException e) { // it serves anyway; only an edge does not know it yet
                log.warn("event=router.register-failed router={} error=\"{}\" next=\"retried with the next change\"",
                        routerId, e.getMessage());
            }
        }
    }

    /** The apps' certificates for the hosts they own in this table (a domain an app lost is not served). */
    private Map<String, CertificatePem> certificates(RouteTable table) {
        Map<String, CertificatePem> wanted = new HashMap<>();
        snapshots.documents(AppCertificates.DOCUMENT, AppCertificates.class).forEach((app, doc) -> {
            for (AppCertificates.Entry e : doc.certificates()) {
                AppRoute route = table.lookup(e.domain());
                if (route != null && route.app().equals(app)) {
                    wanted.put(e.domain(), new CertificatePem(e.certPem(), e.keyPem()));
                }
            }
        });
        return wanted;
    }

    @Override
    public void close() throws Exception {
        subscription.close();
        worker.close();
    }
}
