package dev.skep.route.bench;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import dev.skep.route.server.RouterServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The router alone, for bench/router/run.sh: {@code BenchRouter PORT THREADS BACKEND_PORT...}.
 * Host "hello.bench.test" (what bench/router/run.sh has wrk send) routes to the given loopback backends. Runs until killed.
 */
public final class BenchRouter {

    private BenchRouter() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: BenchRouter PORT THREADS BACKEND_PORT...");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        List<Backend> backends = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            backends.add(new Backend("hello-" + (i - 1), "127.0.0.1", Integer.parseInt(args[i])));
        }
        RouterConfig config = RouterConfig.defaults().withListen("127.0.0.1", port).withWorkerThreads(threads);
        RouterServer router = new RouterServer(config).start();
        router.update(RouteTable.of(Map.of("hello.bench.test", new AppRoute(new AppId("bench", "hello"), backends))));
        Runtime.getRuntime().addShutdownHook(new Thread(router::close));
        System.out.println("ready " + router.port());
        Thread.currentThread().join();
    }
}
