package dev.skep.api.v1;

import dev.skep.api.ApiJson;
import dev.skep.api.Caller;
import dev.skep.api.Follows;
import dev.skep.api.Routes;
import dev.skep.api.auth.Principal;
import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.SkepException;
import dev.skep.model.view.EventView;
import dev.skep.monitor.events.EventLog;
import dev.skep.monitor.events.Subscription;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET /v1/events?app=USER/APP&type=PREFIX&since=TIME&limit=N: the newest events, oldest first (JSON). With
 * {@code follow=true} or {@code Accept: text/event-stream}: those, then every new one as it happens, as
 * server-sent events ({@code event: TYPE}, {@code data: JSON}). A user sees the events of their own apps;
 * an admin sees all, the install's own (agents) included.
 */
public record EventRoutes(EventLog events, Clock clock, Follows follows) implements Routes {

    static final int MAX_LIMIT = 10_000;
    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,6})([smhd])");
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/events", this::events);
    }

    private void events(Context ctx) throws Exception {
        Predicate<Event> filter = filter(ctx);
        Instant since = since(ctx.queryParam("since"));
        int limit = Math.min(MAX_LIMIT, Math.max(1, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(100)));
        String accept = ctx.header("Accept");
        boolean follow = Boolean.parseBoolean(ctx.queryParam("follow"))
                || (accept != null && accept.contains("text/event-stream"));
        if (!follow) {
            ctx.json(events.query(filter, since, limit).stream().map(EventRoutes::view).toList());
            return;
        }
        stream(ctx, filter, since, limit);
    }

    /** Subscribes first, then sends the backlog, then the live events not already sent: no gap, no double. */
    private void stream(Context ctx, Predicate<Event> filter, Instant since, int limit) throws Exception {
        LinkedBlockingQueue<Event> live = new LinkedBlockingQueue<>(10_000);
        ctx.contentType("text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        try (AutoCloseable following = follows.enter();
             Subscription subscription = events.subscribe(filter, live::offer)) {
            List<Event> backlog = events.query(filter, since, limit);
            Set<Event> sent = new HashSet<>(backlog);
            Instant last = backlog.isEmpty() ? Instant.MIN : backlog.getLast().time();
            for (Event event : backlog) {
                write(out, event);
            }
            out.write(": live\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                Event event = live.poll(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (event == null) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8)); // finds clients that left
                } else if (event.time().isAfter(last) || !sent.contains(event)) {
                    write(out, event);
                    sent.clear();
                }
                out.flush();
            }
        } catch (IOException clientGone) {
            // the client hung up: that is how a follow ends
        } catch (InterruptedException apiStopping) {
            // the API stops (Follows): the answer ends here, whole; the flag is not set again, the answer must finish
        }
    }

    private static void write(OutputStream out, Event event) throws IOException {
        String json = ApiJson.MAPPER.writeValueAsString(view(event));
        out.write(("event: " + event.type() + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Predicate<Event> filter(Context ctx) {
        Principal who = Caller.principal(ctx);
        String appParam = ctx.queryParam("app");
        AppId app = appParam == null || appParam.isBlank() ? null : AppId.parse(appParam);
        if (app != null) {
            who.requireOwner(app);
        }
        String type = ctx.queryParam("type");
        String prefix = type == null || type.isBlank() ? null : type.endsWith("*") ? type.substring(0, type.length() - 1) : type;
        return e -> (app != null ? app.equals(e.app()) : who.admin() || (e.app() != null && e.app().user().equals(who.user())))
                && (prefix == null || e.type().startsWith(prefix));
    }

    /** An ISO instant ("2026-01-01T10:00:00Z"), or an age: "90s", "10m", "2h", "7d". */
    Instant since(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = RELATIVE.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration age = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(age);
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw SkepException.badRequest("invalid since '" + text.replaceAll("[^\\x20-\\x7e]", "?") + "'",
                    "give an ISO time (2026-01-01T10:00:00Z) or an age (90s, 10m, 2h, 7d)");
        }
    }

    public static EventView view(Event e) {
        return new EventView(e.time(), e.type(), e.app() == null ? null : e.app().toString(), e.release(),
                e.instance(), e.host(), e.message(), e.data().isEmpty() ? null : e.data());
    }
}
