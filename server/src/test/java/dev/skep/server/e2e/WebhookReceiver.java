package dev.skep.server.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real HTTP endpoint on loopback that records what skep's webhooks POST. */
final class WebhookReceiver implements AutoCloseable {

    record Delivery(String event, String signature, String body) {
    }

    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("X-Skep-Event"),
                    exchange.getRequestHeaders().getFirst("X-Skep-Signature"), new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Delivery> about(String app) {
        return deliveries.stream().filter(d -> d.body().contains("\"app\":\"" + app + "\"")).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
