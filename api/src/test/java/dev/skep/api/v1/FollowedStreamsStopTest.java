package dev.skep.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.api.ApiConfig;
import dev.skep.api.Follows;
import dev.skep.api.auth.Authenticator;
import dev.skep.api.auth.OneUser;
import dev.skep.api.auth.Tokens;
import dev.skep.api.server.ApiServer;
import dev.skep.model.Event;
import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import dev.skep.monitor.events.EventLog;
import dev.skep.monitor.events.EventLogConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real API on a real socket with a client following the events (as `skep events -f` and the dashboard do): the
 * API's stop ends the follow, whose client sees its stream end, without waiting out Jetty's 2 s graceful timeout,
 * which failed the stop ('Javalin failed to stop gracefully', stop.failed) on every stop of skep with a follower.
 */
class FollowedStreamsStopTest {

    @TempDir
    Path dir;

    @Test
    void stoppingTheApiEndsAFollowedStreamAtOnce() throws Exception {
        Clock clock = Clock.systemUTC();
        String token = Tokens.newToken();
        UserStore users = new OneUser(new UserRecord("admin", true, List.of(new UserRecord.Token("t1",
                Tokens.sha256(token), clock.instant(), null)), clock.instant()));
        Follows follows = new Follows();
        try (EventLog events = new EventLog(EventLogConfig.defaults(dir.resolve("events")), clock)) {
            ApiServer api = new ApiServer(new ApiConfig("127.0.0.1", 0, 64 * 1024, "localhost", 8080, 64, "test"),
                    new Authenticator(users, clock), List.of(new EventRoutes(events, clock, follows))).start();
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            CompletableFuture<HttpResponse<Stream<String>>> answer = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/events?follow=true"))
                            .header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofLines());
            CompletableFuture<Void> read = answer.thenAccept(response -> response.body().forEach(lines::add));
            events.emit(new Event(clock.instant(), "deploy.started", null, null, null, "h", "first", Map.of()));
            String line;
            do {
                line = lines.poll(10, TimeUnit.SECONDS);
                assertThat(line).as("the follow's first lines").isNotNull();
            } while (!line.startsWith(": live"));

            Instant stopping = clock.instant();
            follows.close(); // as the controller's lifecycle does, just before the API
            api.close();     // threw (JavalinException: TimeoutException) after 2 s while the follow held on

            assertThat(Duration.between(stopping, clock.instant())).isLessThan(Duration.ofMillis(1500));
            read.get(5, TimeUnit.SECONDS); // the client's stream ended, not cut mid-line
            assertThat(answer.get().statusCode()).isEqualTo(200);
        }
    }
}
